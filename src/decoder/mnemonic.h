/* Instruction identities. Each table row names one; the executor dispatches on it and the
 * formatter prints its name. The lists are X-macros, one name per line, in two files so the
 * one-byte map (with x87) and the extended maps can grow independently; a line also says
 * which executor function emulates the instruction, if one does (MN_EXEC: the decoder
 * ignores that part). */
#ifndef WHVEMU_MNEMONIC_H
#define WHVEMU_MNEMONIC_H

enum mnemonic {
    MN_INVALID = 0,
#define MN(name) MN_##name,
#define MN_EXEC(name, handler, implicit_regs) MN(name)
#include "mnemonics_base.def"
#include "mnemonics_ext.def"
#undef MN_EXEC
#undef MN
    MN_COUNT
};

/* Lower-case name as printed in Intel syntax ("invalid" for MN_INVALID). */
const char *mnemonic_name(enum mnemonic mn);

#endif
