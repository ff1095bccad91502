#include "harness.hpp"
namespace bench { void add_twin(registry&) {} }
