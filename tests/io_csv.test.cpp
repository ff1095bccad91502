// io_csv.test.cpp — CSV data sets: the real files load with the right shapes,
// and every kind of malformed file is rejected with file, line and column while
// the destination keeps exactly what it had.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include <ctnn/io/csv.hpp>

namespace io = ctnn::io;

namespace {
const std::string data_dir = CTNN_TEST_DATA_DIR "/../examples/data/";
std::string data_file(const char* name) { return io::detail::cat(data_dir, name); }

/// writes text to a fresh file in the build's temp area and returns its path
std::string write_file(const std::string& name, const std::string& text) {
    const std::string path = io::detail::cat("ctnn_io_csv_", name, ".csv");
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

using small_set = io::classification_data<float, 3, 2, 2>;

/// a destination with recognisable contents
small_set sentinel() {
    small_set s;
    s.features = {9, 8, 7};
    s.labels = {1};
    return s;
}

struct bad_case {
    const char* name;
    std::string text;
    io::header head;
    std::size_t line, column;
    const char* message;  // a fragment of the message
};
} // namespace

TEST_CASE("the shipped data sets load with their documented shapes", "[io]") {
    io::classification_data<double, 30, 2, 1> cancer;
    const auto s1 = io::load_csv(data_file("breast_cancer.csv"), cancer, io::header::sklearn);
    INFO(s1.error.what());
    REQUIRE(s1);
    REQUIRE(cancer.size() == 569);
    REQUIRE(cancer.features.size() == 569 * 30);
    REQUIRE(cancer.features[0] == 17.99);  // first value of the file
    REQUIRE(cancer.labels[0] == 0);
    REQUIRE(cancer.targets().size() == 569);

    io::classification_data<float, 64, 10> digits;
    const auto s2 = io::load_csv(data_file("digits.csv"), digits);
    INFO(s2.error.what());
    REQUIRE(s2);
    REQUIRE(digits.size() == 1797);
    std::size_t per_class[10]{};
    for (auto l : digits.labels) ++per_class[l];
    for (auto c : per_class) REQUIRE(c >= 170);  // about 180 of each digit
    const auto t = digits.targets();
    REQUIRE(t.size() == 1797 * 10);
    REQUIRE(t[digits.labels[0]] == 1.0f);

    io::classification_data<double, 4, 3> iris;
    REQUIRE(io::load_csv(data_file("iris.csv"), iris, io::header::sklearn));
    REQUIRE(iris.size() == 150);
}

TEST_CASE("malformed CSV files are rejected with file, line and column; the destination is untouched", "[io]") {
    const bad_case cases[] = {
        {"empty", "", io::header::none, 0, 0, "no samples"},
        {"only_header", "2,3,a,b\n", io::header::sklearn, 1, 0, "no samples"},
        {"too_few_fields", "1,2,3,0\n4,5,1\n", io::header::none, 2, 6, "3 fields, expected 3 features and a label"},
        {"too_many_fields", "1,2,3,0\n4,5,6,1,7\n", io::header::none, 2, 9, "5 fields"},
        {"not_a_number", "1,2,3,0\n4,x5,6,1\n", io::header::none, 2, 3, "'x5' is not a number"},
        {"trailing_garbage", "1,2,3.5.1,0\n", io::header::none, 1, 5, "'3.5.1' is not a number"},
        {"nan", "1,2,3,0\n4,nan,6,1\n", io::header::none, 2, 3, "not a finite number"},
        {"infinity", "1,2,inf,0\n", io::header::none, 1, 5, "not a finite number"},
        {"empty_field", "1,,3,0\n", io::header::none, 1, 3, "empty field"},
        {"label_out_of_range", "1,2,3,0\n4,5,6,2\n", io::header::none, 2, 7, "label 2 is not a class in 0..1"},
        {"label_negative", "1,2,3,-1\n", io::header::none, 1, 7, "label -1 is not a class"},
        {"label_not_integer", "1,2,3,0.5\n", io::header::none, 1, 7, "label 0.5 is not a class"},
        {"empty_line", "1,2,3,0\n\n4,5,6,1\n", io::header::none, 2, 1, "empty line"},
        {"header_features", "2,4,a,b\n1,2,3,0\n", io::header::sklearn, 1, 3, "4 features, but the network takes 3"},
        {"header_classes", "1,3,a,b,c\n1,2,3,0\n", io::header::sklearn, 1, 5, "3 class names, expected 2"},
        {"header_samples", "3,3,a,b\n1,2,3,0\n4,5,6,1\n", io::header::sklearn, 1, 1, "3 samples declared, 2 found"},
        {"header_garbage", "n,3,a,b\n1,2,3,0\n", io::header::sklearn, 1, 1, "header: expected"},
    };
    for (const auto& c : cases) {
        INFO("case " << c.name);
        const std::string path = write_file(c.name, c.text);
        small_set dest = sentinel();
        const auto st = io::load_csv(path, dest, c.head);
        INFO(st.error.what());
        REQUIRE(!st);
        CHECK(st.error.file == path);
        CHECK(st.error.line == c.line);
        CHECK(st.error.column == c.column);
        CHECK(st.error.message.find(c.message) != std::string::npos);
        CHECK(st.error.what().rfind(io::detail::cat(path, ":"), 0) == 0);
        CHECK(dest.features == sentinel().features);  // nothing half-loaded
        CHECK(dest.labels == sentinel().labels);
        std::remove(path.c_str());
    }
    small_set dest = sentinel();
    const auto missing = io::load_csv("no/such/file.csv", dest);
    REQUIRE(!missing);
    CHECK(missing.error.what() == "no/such/file.csv: cannot open the file");
    CHECK(dest.labels == sentinel().labels);
}

TEST_CASE("well-formed variants load: CRLF, spaces, a leading +, no final newline", "[io]") {
    const std::string path = write_file("variants", "1, 2 ,+3,0\r\n4e0,5.5,-6,1");
    small_set dest;
    const auto st = io::load_csv(path, dest);
    INFO(st.error.what());
    REQUIRE(st);
    REQUIRE(dest.size() == 2);
    REQUIRE(dest.features == std::vector<float>{1, 2, 3, 4, 5.5f, -6});
    REQUIRE(dest.labels == std::vector<std::size_t>{0, 1});
    std::remove(path.c_str());
}
