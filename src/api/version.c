/* whvemu_version(): the version of the library actually loaded. */
#include "whvemu.h"

/* WHVEMU_VERSION_STRING comes from the build (src/CMakeLists.txt), from the project
 * version that also names the shared library. */
const char *whvemu_version(void)
{
    return WHVEMU_VERSION_STRING;
}
