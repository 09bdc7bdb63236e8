/* Opcode table (work in progress). */
#define OPTAB_SHORTHANDS
#include "optab.h"

const struct optab optab_evex[5][256] = { 0 };
