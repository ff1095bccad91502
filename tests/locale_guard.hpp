// locale_guard.hpp — runs a test under a comma-decimal locale, as a program
// that calls setlocale(LC_ALL, "") in Germany does (Qt applications do): both
// the C locale (printf, strtod) and the global C++ locale (streams) change
// while the guard lives. scripts/test.sh generates de_DE.UTF-8 and sets
// CTNN_REQUIRE_LOCALE=1, so that in CI a missing locale fails instead of
// skipping the test.
#pragma once

#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <locale>
#include <string>

namespace ctnn_test {

class comma_locale {
public:
    comma_locale() {
        const char* old = std::setlocale(LC_ALL, nullptr);
        saved_ = old ? old : "C";
        for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "de_DE"}) {
            if (std::setlocale(LC_ALL, name)) {
                try {
                    saved_global_ = std::locale::global(std::locale(name));
                } catch (...) {
                    continue;
                }
                active_ = std::localeconv()->decimal_point[0] == ',';
                if (active_) break;
            }
        }
        if (!active_) std::setlocale(LC_ALL, saved_.c_str());
    }
    ~comma_locale() {
        std::setlocale(LC_ALL, saved_.c_str());
        std::locale::global(saved_global_);
    }
    comma_locale(const comma_locale&) = delete;
    comma_locale& operator=(const comma_locale&) = delete;

    /// whether a comma-decimal locale is in force
    bool active() const noexcept { return active_; }
    /// whether the run demands one (CTNN_REQUIRE_LOCALE=1, set by scripts/test.sh)
    static bool required() noexcept {
        const char* v = std::getenv("CTNN_REQUIRE_LOCALE");
        return v && std::string(v) == "1";
    }

private:
    std::string saved_;
    std::locale saved_global_{};
    bool active_ = false;
};

} // namespace ctnn_test
