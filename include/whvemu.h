/* whvemu.h — whvemu's extensions to the WHv instruction-emulator API.
 *
 * Everything the Windows SDK does not have lives here, so that WinHvEmulation.h stays
 * exactly the SDK's API. A program that only uses the SDK's API never needs this header. */
#ifndef WHVEMU_H
#define WHVEMU_H

#include <stddef.h>
#include <stdint.h>

#include "WinHvEmulation.h"

/* The library version; whvemu_version() returns the version of the library actually
 * loaded, which may be newer than the header a program was built with. */
#define WHVEMU_VERSION_MAJOR 0
#define WHVEMU_VERSION_MINOR 1
#define WHVEMU_VERSION_PATCH 0

#ifdef __cplusplus
extern "C" {
#endif

/* "MAJOR.MINOR.PATCH" of the loaded library. */
WHVEMU_API const char *whvemu_version(void);

/* Length (1..15) of the instruction at bytes[0..avail) for default operand/address size
 * bits = 16, 32 or 64; 0 when avail is too short to tell; negative when the encoding is
 * invalid (the CPU would raise #UD). */
WHVEMU_API int whvemu_insn_length(unsigned bits, const uint8_t *bytes, size_t avail);

/* Intel-syntax disassembly into out (NUL-terminated); returns the length as above. */
WHVEMU_API int whvemu_format(unsigned bits, const uint8_t *bytes, size_t avail, char *out,
                             size_t outsz);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WHVEMU_H */
