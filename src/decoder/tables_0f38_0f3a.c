/* Opcode table (work in progress). */
#define OPTAB_SHORTHANDS
#include "optab.h"

const struct optab optab_0f38[256] = { 0 };
const struct optab optab_0f3a[256] = { 0 };
