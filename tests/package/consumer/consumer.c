/* A program using the installed library the way a VMM would: headers found through
 * pkg-config or find_package, no access to the source tree. */
#include <stdio.h>
#include <string.h>

#include <WinHvEmulation.h>
#include <whvemu.h>

static HRESULT CALLBACK io_port(VOID *context, WHV_EMULATOR_IO_ACCESS_INFO *access)
{
    (void)context, (void)access;
    return E_NOTIMPL;
}

static HRESULT CALLBACK memory(VOID *context, WHV_EMULATOR_MEMORY_ACCESS_INFO *access)
{
    (void)context, (void)access;
    return E_NOTIMPL;
}

static HRESULT CALLBACK get_registers(VOID *context, const WHV_REGISTER_NAME *names, UINT32 count,
                                      WHV_REGISTER_VALUE *values)
{
    (void)context, (void)names, (void)count, (void)values;
    return E_NOTIMPL;
}

static HRESULT CALLBACK set_registers(VOID *context, const WHV_REGISTER_NAME *names, UINT32 count,
                                      const WHV_REGISTER_VALUE *values)
{
    (void)context, (void)names, (void)count, (void)values;
    return E_NOTIMPL;
}

static HRESULT CALLBACK translate(VOID *context, WHV_GUEST_VIRTUAL_ADDRESS gva,
                                  WHV_TRANSLATE_GVA_FLAGS flags,
                                  WHV_TRANSLATE_GVA_RESULT_CODE *result,
                                  WHV_GUEST_PHYSICAL_ADDRESS *gpa)
{
    (void)context, (void)gva, (void)flags, (void)result, (void)gpa;
    return E_NOTIMPL;
}

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#define HEADER_VERSION                                                                             \
    STRINGIFY(WHVEMU_VERSION_MAJOR)                                                                \
    "." STRINGIFY(WHVEMU_VERSION_MINOR) "." STRINGIFY(WHVEMU_VERSION_PATCH)

int main(void)
{
    if (strcmp(whvemu_version(), HEADER_VERSION) != 0) {
        printf("library version %s, header version %s\n", whvemu_version(), HEADER_VERSION);
        return 1;
    }
    WHV_EMULATOR_CALLBACKS callbacks = { sizeof callbacks, 0,        io_port, memory, get_registers,
                                         set_registers,    translate };
    WHV_EMULATOR_HANDLE emulator = NULL;
    HRESULT result = WHvEmulatorCreateEmulator(&callbacks, &emulator);
    if (FAILED(result) || emulator == NULL) {
        printf("WHvEmulatorCreateEmulator: %#x\n", (unsigned)result);
        return 1;
    }
    result = WHvEmulatorDestroyEmulator(emulator);
    if (FAILED(result)) {
        printf("WHvEmulatorDestroyEmulator: %#x\n", (unsigned)result);
        return 1;
    }
    printf("whvemu %s: emulator created and destroyed\n", whvemu_version());
    return 0;
}
