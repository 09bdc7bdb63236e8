/* Opcode table (work in progress). */
#define OPTAB_SHORTHANDS
#include "optab.h"

const struct optab optab_xop[3][256] = { 0 };
