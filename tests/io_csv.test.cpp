// io_csv.test.cpp — CSV data sets: the real files load with the right shapes,
// under any locale, and every kind of malformed or hostile file is rejected
// with file, line and column while the destination keeps exactly what it had.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <new>
#include <sstream>
#include <streambuf>
#include <string>

#include <ctnn/io/csv.hpp>

#include "io_support.hpp"
#include "locale_guard.hpp"

namespace io = ctnn::io;

// Heap accounting for the memory test below: every operator new of the
// program, counted while `counting` is on. Not under AddressSanitizer, which
// replaces operator new itself.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CTNN_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define CTNN_TEST_ASAN 1
#endif
#ifndef CTNN_TEST_ASAN
namespace {
std::size_t live_bytes = 0, peak_bytes = 0;
bool counting = false;
} // namespace
void* operator new(std::size_t n) {
    void* p = std::malloc(n + 16);
    if (!p) throw std::bad_alloc();
    *static_cast<std::size_t*>(p) = n;
    if (counting) peak_bytes = std::max(peak_bytes, live_bytes += n);
    return static_cast<char*>(p) + 16;
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept {
    if (!p) return;
    char* base = static_cast<char*>(p) - 16;
    if (counting) live_bytes -= std::min(live_bytes, *reinterpret_cast<std::size_t*>(base));
    std::free(base);
}
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
void operator delete[](void* p, std::size_t) noexcept { operator delete(p); }
#endif

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

using ctnn_test::failing_buf;

/// checks that a load failed with `fragment` in its message and left the destination as it was
void require_rejected(const io::status& st, const small_set& dest, const std::string& fragment) {
    INFO(st.error.what());
    REQUIRE(!st);
    CHECK(st.error.message.find(fragment) != std::string::npos);
    CHECK(st.error.message.find("18446744073709551615") == std::string::npos);
    CHECK(dest.features == sentinel().features);
    CHECK(dest.labels == sentinel().labels);
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
        {"label_out_of_range", "1,2,3,0\n4,5,6,2\n", io::header::none, 2, 7, "label '2' is not a class in 0..1"},
        {"label_negative", "1,2,3,-1\n", io::header::none, 1, 7, "label '-1' is not a class"},
        {"label_not_integer", "1,2,3,0.5\n", io::header::none, 1, 7, "label '0.5' is not a class"},
        {"plus_minus", "1,+-2,3,0\n", io::header::none, 1, 3, "'+-2' is not a number"},
        {"plus_plus", "1,++2,3,0\n", io::header::none, 1, 3, "'++2' is not a number"},
        {"minus_plus", "1,-+2,3,0\n", io::header::none, 1, 3, "'-+2' is not a number"},
        {"hex", "1,0x1p3,3,0\n", io::header::none, 1, 3, "'0x1p3' is not a number"},
        {"decimal_comma", "1,2,3,0\n1,2,5,4,0\n", io::header::none, 2, 9, "5 fields"},
        {"too_large_for_double", "1,2,1e400,0\n", io::header::none, 1, 5, "'1e400' is out of the range of float"},
        {"empty_line", "1,2,3,0\n\n4,5,6,1\n", io::header::none, 2, 1, "empty line"},
        {"header_features", "2,4,a,b\n1,2,3,0\n", io::header::sklearn, 1, 3, "4 features, but the network takes 3"},
        {"header_classes", "1,3,a,b,c\n1,2,3,0\n", io::header::sklearn, 1, 5, "3 class names, expected 2"},
        {"header_samples", "3,3,a,b\n1,2,3,0\n4,5,6,1\n", io::header::sklearn, 1, 1, "3 samples declared, 2 found"},
        {"header_garbage", "n,3,a,b\n1,2,3,0\n", io::header::sklearn, 1, 1, "header: n_samples 'n' is not a count"},
        {"header_one_field", "1\n1,2,3,0\n", io::header::sklearn, 1, 2, "header: n_features missing"},
        {"directory", "", io::header::none, 0, 0, "is a directory"},
    };
    for (const auto& c : cases) {
        INFO("case " << c.name);
        std::string path;
        if (std::string_view(c.name) == "directory") {
            path = "ctnn_io_csv_directory.csv";
            std::filesystem::create_directories(path);
        } else {
            path = write_file(c.name, c.text);
        }
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
        std::filesystem::remove(path);
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

TEST_CASE("CSV: a finite number too large for float is rejected; underflow rounds to a subnormal or zero", "[io]") {
    for (const char* big : {"3.5e38", "1e39", "-1e39", "3.4028236e38"}) {  // the last rounds up to 2^128
        INFO(big);
        const std::string path = write_file("float_range", io::detail::cat("1,2,", std::string_view(big), ",0\n"));
        small_set dest = sentinel();
        const auto st = io::load_csv(path, dest);
        require_rejected(st, dest, io::detail::cat("'", std::string_view(big), "' is out of the range of float"));
        CHECK(st.error.line == 1);
        CHECK(st.error.column == 5);
        std::remove(path.c_str());
    }
    // the same numbers fit a double; the largest float fits a float
    const std::string path = write_file("float_range_ok", "3.5e38,-1e39,1,0\n");
    io::classification_data<double, 3, 2> wide;
    REQUIRE(io::load_csv(path, wide));
    CHECK(wide.features[0] == 3.5e38);
    small_set narrow;
    std::ofstream(path, std::ios::binary) << "3.4028234e38,1e-40,1e-50,1\n-1e-50,0,0,0\n";
    REQUIRE(io::load_csv(path, narrow));
    CHECK(narrow.features[0] == std::numeric_limits<float>::max());
    CHECK(narrow.features[1] == 1e-40f);  // a subnormal, correctly rounded (the compiler's literal)
    CHECK(std::fpclassify(narrow.features[1]) == FP_SUBNORMAL);
    CHECK(narrow.features[2] == 0.0f);  // below half the smallest subnormal: 0, as IEEE rounding gives
    CHECK(!std::signbit(narrow.features[2]));
    CHECK(narrow.features[3] == 0.0f);
    CHECK(std::signbit(narrow.features[3]));  // -1e-50 rounds to -0
    // a double destination: the same rule at double's limits
    std::ofstream(path, std::ios::binary) << "1e-400,-1e-400,4.9e-324,0\n";
    REQUIRE(io::load_csv(path, wide));
    CHECK(wide.features[0] == 0.0);
    CHECK(std::signbit(wide.features[1]));
    CHECK(wide.features[2] == std::numeric_limits<double>::denorm_min());
    std::remove(path.c_str());
}

TEST_CASE("CSV: header counts are unsigned integers, range-checked, quoted in messages", "[io]") {
    const char* bad_samples[] = {"-1", "1e20", "3.5", "+-3", "+3", "99999999999999999999", "18446744073709551616", "", " "};
    for (const char* n : bad_samples) {
        INFO("n_samples " << n);
        const std::string path = write_file("header_count", io::detail::cat(std::string_view(n), ",3,a,b\n1,2,3,0\n"));
        small_set dest = sentinel();
        const auto st = io::load_csv(path, dest, io::header::sklearn);
        require_rejected(st, dest, "header: n_samples ");
        CHECK(st.error.line == 1);
        std::remove(path.c_str());
    }
    for (const char* f : {"-1", "1e20", "3.0", "+-3", "99999999999999999999"}) {
        INFO("n_features " << f);
        const std::string path = write_file("header_count", io::detail::cat("1,", std::string_view(f), ",a,b\n1,2,3,0\n"));
        small_set dest = sentinel();
        const auto st = io::load_csv(path, dest, io::header::sklearn);
        require_rejected(st, dest, io::detail::cat("header: n_features '", std::string_view(f), "' is "));
        CHECK(st.error.column == 3);
        std::remove(path.c_str());
    }
    // spaces around a count are fine, as around numbers; 18 digits is the most
    const std::string path = write_file("header_count", " 2 , 3 ,a,b\n1,2,3,0\n4,5,6,1\n");
    small_set dest;
    REQUIRE(io::load_csv(path, dest, io::header::sklearn));
    std::ofstream(path, std::ios::binary) << "999999999999999999,3,a,b\n1,2,3,0\n";
    const auto st = io::load_csv(path, dest, io::header::sklearn);
    REQUIRE(!st);
    CHECK(st.error.message == "header: 999999999999999999 samples declared, 1 found");
    std::remove(path.c_str());
}

TEST_CASE("CSV: reads are bounded by load_limits, checked while reading", "[io]") {
    // /dev/zero has no newline: rejected at the default line limit, 1 MiB
    small_set dest = sentinel();
    auto st = io::load_csv("/dev/zero", dest);
    require_rejected(st, dest, "line 1 is longer than the limit of 1048576 bytes (load_limits::max_line_bytes)");
    CHECK(st.error.line == 1);
    // a file over the default size limit, 64 MiB, is rejected from its size, without being read
    const std::string sparse = "ctnn_io_csv_sparse.csv";
    std::ofstream(sparse, std::ios::binary) << "1,2,3,0\n";
    std::filesystem::resize_file(sparse, std::uintmax_t{65} << 20);  // sparse: costs no disk
    st = io::load_csv(sparse, dest);
    require_rejected(st, dest, "the file has 68157440 bytes, more than the limit of 67108864");
    std::remove(sparse.c_str());
    // the limits are parameters
    io::load_limits limits;
    limits.max_line_bytes = 16;
    const std::string path = write_file("limits", "1,2,3,0\n1,2,3.000000001,1\n");
    st = io::load_csv(path, dest, io::header::none, limits);
    require_rejected(st, dest, "line 2 is longer than the limit of 16 bytes");
    CHECK(st.error.line == 2);
    limits = {};
    limits.max_file_bytes = 10;
    std::istringstream text("1,2,3,0\n4,5,6,1\n");  // through a stream: no size known in advance
    st = io::load_csv(text, "memory", dest, io::header::none, limits);
    require_rejected(st, dest, "the file is bigger than the limit of 10 bytes");
    CHECK(st.error.file == "memory");
    std::istringstream ok("1,2,3,0\n4,5,6,1\n");
    REQUIRE(io::load_csv(ok, "memory", dest));
    CHECK(dest.size() == 2);
    std::remove(path.c_str());
}

TEST_CASE("CSV: a line of many commas costs about its own size in memory", "[io]") {
#ifdef CTNN_TEST_ASAN
    WARN("not measured under AddressSanitizer (it replaces operator new)");
#else
    std::string line;
    while (line.size() + 2 < (std::size_t{1} << 20)) line += "1,";  // just under the line limit: 2^19 fields
    line += "1\n";
    const std::string path = write_file("commas", line);
    small_set dest = sentinel();
    live_bytes = peak_bytes = 0;
    counting = true;
    const auto st = io::load_csv(path, dest);
    counting = false;
    require_rejected(st, dest, "524288 fields, expected 3 features and a label");
    CHECK(st.error.column == 9);  // the first field too many
    INFO("peak heap " << peak_bytes << " bytes for a line of " << line.size());
    CHECK(peak_bytes < 4 * line.size());
    std::remove(path.c_str());
#endif
}

TEST_CASE("CSV: a read error is an error, not the end of the file", "[io]") {
    failing_buf broken("1,2,3,0\n4,5,6,1\n");  // two good lines, then the read fails
    std::istream in(&broken);
    small_set dest = sentinel();
    auto st = io::load_csv(in, "broken", dest);
    require_rejected(st, dest, "read error after line 2");
    CHECK(st.error.what() == "broken: read error after line 2");
    // a real one: reading a directory through a stream
    std::filesystem::create_directories("ctnn_io_csv_dir");
    std::ifstream dir("ctnn_io_csv_dir", std::ios::binary);
    if (dir) {  // opening a directory for reading succeeds on Linux; reading it fails
        st = io::load_csv(dir, "ctnn_io_csv_dir", dest);
        require_rejected(st, dest, "read error after line 0");
    }
    std::filesystem::remove("ctnn_io_csv_dir");
    // and no exception escapes: out of memory inside the stream comes back as a status
    failing_buf no_memory("1,2,3,0\n", true);
    std::istream oom(&no_memory);
    oom.exceptions(std::ios::badbit);
    st = io::load_csv(oom, "oom", dest);
    require_rejected(st, dest, "out of memory");
}

TEST_CASE("CSV: a UTF-8 byte-order mark at the start is skipped; columns count after it", "[io]") {
    const std::string path = write_file("bom", "\xEF\xBB\xBF" "1,2,3,0\n4,5,6,1\n");
    small_set dest;
    auto st = io::load_csv(path, dest);
    INFO(st.error.what());
    REQUIRE(st);
    CHECK(dest.features == std::vector<float>{1, 2, 3, 4, 5, 6});
    std::ofstream(path, std::ios::binary) << "\xEF\xBB\xBF" "2,3,a,b\n1,2,3,0\n4,5,6,1\n";
    REQUIRE(io::load_csv(path, dest, io::header::sklearn));
    std::ofstream(path, std::ios::binary) << "\xEF\xBB\xBF" "1,x,3,0\n";
    dest = sentinel();
    st = io::load_csv(path, dest);
    require_rejected(st, dest, "'x' is not a number");
    CHECK(st.error.column == 3);
    // only at the start of the file
    std::ofstream(path, std::ios::binary) << "1,2,3,0\n\xEF\xBB\xBF" "1,2,3,0\n";
    st = io::load_csv(path, dest);
    require_rejected(st, dest, "'\\xEF\\xBB\\xBF1' is not a number");
    std::remove(path.c_str());
}

TEST_CASE("CSV: messages quote at most 40 bytes of a field and escape what is not printable ASCII", "[io]") {
    const std::string field = "\x1b[31m" + std::string(5000, 'x');
    const std::string path = write_file("long_field", io::detail::cat("1,", field, ",3,0\n"));
    small_set dest = sentinel();
    const auto st = io::load_csv(path, dest);
    require_rejected(st, dest, "'\\x1B[31mxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'... is not a number");
    CHECK(st.error.message.size() < 80);
    CHECK(st.error.message.find('\x1b') == std::string::npos);
    CHECK(io::detail::quoted("it's a \\ \n") == "'it\\x27s a \\x5C \\x0A'");
    std::remove(path.c_str());
}

TEST_CASE("CSV: under a comma-decimal locale the same files give the same numbers", "[io][locale]") {
    io::classification_data<double, 30, 2, 1> cancer_c;
    REQUIRE(io::load_csv(data_file("breast_cancer.csv"), cancer_c, io::header::sklearn));
    const std::string path = write_file("locale", "1.5,-2.25e-3,+3,0\n4e1,5.5,-6.125,1\n");
    small_set small_c;
    REQUIRE(io::load_csv(path, small_c));
    ctnn_test::comma_locale comma;
    if (!comma.active()) {
        if (ctnn_test::comma_locale::required()) FAIL("de_DE.UTF-8 is required (CTNN_REQUIRE_LOCALE=1) but not available");
        WARN("no comma-decimal locale on this machine: skipped");
        return;
    }
    io::classification_data<double, 30, 2, 1> cancer;
    REQUIRE(io::load_csv(data_file("breast_cancer.csv"), cancer, io::header::sklearn));
    CHECK(cancer.features == cancer_c.features);
    CHECK(cancer.features[0] == 17.99);
    io::classification_data<float, 64, 10> digits;
    REQUIRE(io::load_csv(data_file("digits.csv"), digits));
    small_set small;
    REQUIRE(io::load_csv(path, small));
    CHECK(small.features == std::vector<float>{1.5f, -2.25e-3f, 3, 40, 5.5f, -6.125f});
    CHECK(small.features == small_c.features);
    std::ofstream(path, std::ios::binary) << "1,5,2,3,0\n";  // "1,5" is two fields under every locale
    small_set dest = sentinel();
    require_rejected(io::load_csv(path, dest), dest, "5 fields");
    std::remove(path.c_str());
}
