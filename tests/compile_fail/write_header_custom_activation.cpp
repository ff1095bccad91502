// expect: ctnn: write_header can spell only the activations of ctnn::act and the layers of ctnn
// Case: exporting a network whose activation is the user's own type: the
// header could not name it, so write_header refuses at compile time.
#include <sstream>

#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"
#include <ctnn/io/header.hpp>

struct my_relu : ctnn::act::relu {};

#if CTNN_FAIL
using act_t = my_relu;
#else
using act_t = ctnn::act::relu;
#endif

int main() {
    ctnn::network<float, ctnn::input<2>, ctnn::dense<3, act_t>, ctnn::dense<1, ctnn::act::sigmoid>> net{};
    std::ostringstream out;
    return ctnn::io::write_header(net, "net", out) ? 0 : 1;
}
