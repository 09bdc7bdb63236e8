/* Opcode table (work in progress). */
#define OPTAB_SHORTHANDS
#include "optab.h"

const struct optab optab_0f[256] = { 0 };
const struct optab optab_3dnow[256] = { 0 };
