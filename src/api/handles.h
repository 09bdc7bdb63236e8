/* The table of live emulators behind WHV_EMULATOR_HANDLE values. */
#ifndef WHVEMU_HANDLES_H
#define WHVEMU_HANDLES_H

#include "api/emulator.h"

HRESULT handle_create(const WHV_EMULATOR_CALLBACKS *callbacks, WHV_EMULATOR_HANDLE *out);
/* The emulator of a live handle, or NULL for any other value. */
struct emulator *handle_lookup(WHV_EMULATOR_HANDLE handle);
HRESULT handle_destroy(WHV_EMULATOR_HANDLE handle);

#endif
