#ifndef WHVEMU_TEST_HOSTOP_DIRECT_H
#define WHVEMU_TEST_HOSTOP_DIRECT_H

#include <stdbool.h>

#include "mnemonic.h"

/* The library ran its host stub for mn (wide: the rDX:rAX form) of size bytes. */
bool stub_runs(enum mnemonic mn, bool wide, unsigned size);

#endif
