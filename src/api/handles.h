/* The table of live emulators behind WHV_EMULATOR_HANDLE values. */
#ifndef WHVEMU_HANDLES_H
#define WHVEMU_HANDLES_H

#include "core/call.h"

/* A new handle for a copy of *emulator; E_OUTOFMEMORY when no slot is left. */
HRESULT handle_create(const struct emulator *emulator, WHV_EMULATOR_HANDLE *out);
/* The emulator of a live handle, or NULL for any other value. An emulation call copies it
 * at its start (the handle may be destroyed and its slot reused from a callback). */
struct emulator *handle_lookup(WHV_EMULATOR_HANDLE handle);
HRESULT handle_destroy(WHV_EMULATOR_HANDLE handle);

#endif
