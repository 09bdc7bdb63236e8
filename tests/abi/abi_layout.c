/* Turns abi_checks.def into a byte image of the layout facts, placed in section
 * ABI_SECTION for run_abi_test.cmake to extract with objcopy. The object is never linked
 * or run, so it can be built by a cross compiler: x86_64-w64-mingw32-gcc against
 * mingw-w64's SDK headers (the reference) and against ours, and the native compiler
 * against ours.
 *
 * ABI_SDK_HEADERS selects the SDK headers; otherwise ours are used. Function and
 * callback signatures are checked here, at compile time, against abi_checks.def. */
#include <stddef.h>
#include <stdint.h>

#ifdef ABI_SDK_HEADERS
#include <windows.h>
#include <winhvemulation.h>
#else
#include "WinHvEmulation.h"
#endif

#include "abi_record.h"

/* A record's member name: the line of abi_checks.def it comes from. */
#define ABI_CAT_(a, b) a##b
#define ABI_CAT(a, b) ABI_CAT_(a, b)
#define ABI_NAME(kind) ABI_CAT(kind, __LINE__)

typedef union {
    uint64_t value;
    unsigned char bytes[ABI_RECORD_SIZE];
} abi_value_record;

#define ABI_BITS_RECORD(T)                                                                         \
    union {                                                                                        \
        T object;                                                                                  \
        unsigned char bytes[ABI_RECORD_SIZE];                                                      \
    }

struct abi_image {
    char magic[ABI_MAGIC_SIZE];
#define ABI_TYPE(T) abi_value_record ABI_NAME(size_), ABI_NAME(align_);
#define ABI_FIELD(T, m) abi_value_record ABI_NAME(offset_), ABI_NAME(fieldsize_);
#define ABI_BITS(T, f) ABI_BITS_RECORD(T) ABI_NAME(bits_);
#define ABI_ENUM(E, name) abi_value_record ABI_NAME(enum_);
#define ABI_CONST(name) abi_value_record ABI_NAME(const_);
#define ABI_CALLBACK(T, R, args)
#define ABI_FUNCTION(f, R, args)
#include "abi_checks.def"
};

#define ABI_FIELD_SIZE(T, m) sizeof(((T *)0)->m)

__attribute__((used, section(ABI_SECTION))) static const struct abi_image abi_image = {
    .magic = ABI_MAGIC,
#define ABI_TYPE(T) .ABI_NAME(size_) = { sizeof(T) }, .ABI_NAME(align_) = { _Alignof(T) },
#define ABI_FIELD(T, m)                                                                            \
    .ABI_NAME(offset_) = { offsetof(T, m) }, .ABI_NAME(fieldsize_) = { ABI_FIELD_SIZE(T, m) },
#define ABI_BITS(T, f) .ABI_NAME(bits_) = { .object = { .f = -1 } },
#define ABI_ENUM(E, name) .ABI_NAME(enum_) = { (uint64_t)(name) },
#define ABI_CONST(name) .ABI_NAME(const_) = { (uint64_t)(name) },
#define ABI_CALLBACK(T, R, args)
#define ABI_FUNCTION(f, R, args)
#include "abi_checks.def"
};

/* Signatures: _Generic picks the branch whose type is compatible with the function's,
 * so parameter types, their qualifiers and the return type must all match. */
#define ABI_TYPE(T) _Static_assert(_Alignof(T) <= ABI_RECORD_SIZE, #T " alignment");
#define ABI_FIELD(T, m)
#define ABI_BITS(T, f) _Static_assert(sizeof(T) <= ABI_RECORD_SIZE, #T " too large");
#define ABI_ENUM(E, name) _Static_assert(sizeof(E) == 4, #E " is not 32-bit");
#define ABI_CONST(name)
#define ABI_CALLBACK(T, R, args)                                                                   \
    _Static_assert(_Generic((T)0, R(CALLBACK *) args : 1, default : 0), #T " signature");
#define ABI_FUNCTION(f, R, args)                                                                   \
    _Static_assert(_Generic(&f, R(WINAPI *) args : 1, default : 0), #f " signature");
#include "abi_checks.def"
