#include "headers_pedantic.c"

/* In C++ the flag enum is closed under bitwise operators, as with the SDK. */
WHV_TRANSLATE_GVA_FLAGS headers_pedantic_flags();
WHV_TRANSLATE_GVA_FLAGS headers_pedantic_flags()
{
    WHV_TRANSLATE_GVA_FLAGS flags = WHvTranslateGvaFlagValidateRead | WHvTranslateGvaFlagPrivilegeExempt;
    flags |= WHvTranslateGvaFlagSetPageTableBits;
    flags &= ~WHvTranslateGvaFlagPrivilegeExempt;
    return flags ^ WHvTranslateGvaFlagValidateWrite;
}
