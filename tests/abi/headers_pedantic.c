/* Our public headers must compile cleanly under -std=c99 -Wpedantic -Werror, and as
 * C++ (headers_pedantic.cpp includes this file): programs include them with their own
 * flags, not ours. */
#include "whvemu.h"

#ifdef __cplusplus
#define HEADERS_EXTERN extern "C"
#else
#define HEADERS_EXTERN
#endif

HEADERS_EXTERN UINT32 headers_pedantic_use(WHV_REGISTER_VALUE *value,
                                           WHV_TRANSLATE_GVA_FLAGS flags);

/* Touches members inside the anonymous structs and unions. */
HEADERS_EXTERN UINT32 headers_pedantic_use(WHV_REGISTER_VALUE *value, WHV_TRANSLATE_GVA_FLAGS flags)
{
    value->Segment.Long = 1;
    value->FpControlStatus.LastFpCs = 8;
    return value->Reg128.Low64 != 0 && flags != WHvTranslateGvaFlagNone;
}
