/* AMX with a memory operand: LDTILECFG, STTILECFG, TILELOADD, TILELOADDT1 and TILESTORED
 * through the API, on the guest's TILECFG and TILEDATA (XSAVE components 17 and 18), which
 * only the extended-state extension's area carries (core/xstate.h): an instruction of this
 * family always needs it.
 *
 * Sources: SDM vol. 2A §2.10 (the AMX exception classes: AMX-E1 LDTILECFG, AMX-E2 STTILECFG,
 * AMX-E3 the tile loads and stores), vol. 2B each instruction's "Operation" (TILECFG's 64-byte
 * layout, palette 1's limits, zero_upper_rows, write_row_and_zero, the restart through
 * TILECFG.start_row), vol. 1 §13.14 (XFD, the #NM of a disabled component). No CPU here has
 * AMX: docs/amx.md says what was chosen where nothing could be measured. */
#include <string.h>

#include "core/bytes.h"
#include "core/regcache.h"
#include "core/vstate.h"
#include "core/xstate.h"
#include "exec/exec.h"
#include "exec/simd_check.h"
#include "optab.h"

/* Palette 1 (SDM vol. 2B LDTILECFG, CPUID leaf 1DH as every AMX processor reports it): the
 * only palette besides 0, the INIT state (docs/amx.md: why not the guest's CPUID). */
enum {
    PALETTE_TILES = 8,      /* max_names */
    PALETTE_ROW_BYTES = 64, /* bytes_per_row */
    PALETTE_ROWS = 16,      /* max_rows */
    TILE_BYTES = PALETTE_ROWS * PALETTE_ROW_BYTES,
};

/* TILECFG, as LDTILECFG reads it and as XSAVE component 17 holds it: the palette, start_row,
 * a 16-bit colsb per tile from byte 16, a row count per tile from byte 48; the rest is
 * reserved, zero. */
enum { CFG_BYTES = 64, CFG_PALETTE = 0, CFG_START_ROW = 1, CFG_COLSB = 16, CFG_ROWS = 48 };

enum amx_kind { AK_LDTILECFG, AK_STTILECFG, AK_LOAD, AK_STORE };

static const struct amx_form {
    uint16_t mnemonic;
    uint8_t kind;
    uint8_t tile;  /* the tmm operand's number among the row's operands */
    uint64_t need; /* the XSAVE components it reads or writes */
} amx_forms[] = {
    /* VEX.128.NP.0F38.W0 49 !(11):000:bbb LDTILECFG m512 */
    { MN_ldtilecfg, AK_LDTILECFG, 0, XS_TILECFG | XS_TILEDATA },
    /* VEX.128.66.0F38.W0 49 !(11):000:bbb STTILECFG m512 */
    { MN_sttilecfg, AK_STTILECFG, 0, XS_TILECFG },
    /* VEX.128.F2.0F38.W0 4B !(11):rrr:100 TILELOADD tmm1, sibmem */
    { MN_tileloadd, AK_LOAD, 0, XS_TILECFG | XS_TILEDATA },
    /* VEX.128.66.0F38.W0 4B !(11):rrr:100 TILELOADDT1 tmm1, sibmem */
    { MN_tileloaddt1, AK_LOAD, 0, XS_TILECFG | XS_TILEDATA },
    /* VEX.128.F3.0F38.W0 4B !(11):rrr:100 TILESTORED sibmem, tmm1 */
    { MN_tilestored, AK_STORE, 1, XS_TILECFG | XS_TILEDATA },
};

static const struct amx_form *form_of(const struct insn *in)
{
    for (size_t k = 0; k < sizeof amx_forms / sizeof *amx_forms; k++)
        if (amx_forms[k].mnemonic == in->mnemonic)
            return &amx_forms[k];
    return NULL;
}

/* ---- TILECFG ---- */

static bool all_zero(const uint8_t *bytes, unsigned from, unsigned to)
{
    uint8_t any = 0;

    for (unsigned k = from; k < to; k++)
        any |= bytes[k];
    return any == 0;
}

static unsigned tile_colsb(const uint8_t cfg[CFG_BYTES], unsigned t)
{
    return (unsigned)load_le(cfg + CFG_COLSB + 2 * t, 2);
}

/* LDTILECFG's rules for a palette-1 image (its "Operation"; a failure is its #GP): the
 * reserved bytes zero, each tile's colsb and rows within the palette's, and both zero (an
 * unused tile) or neither. */
static bool palette1_valid(const uint8_t cfg[CFG_BYTES])
{
    if (cfg[CFG_PALETTE] != 1 || !all_zero(cfg, 2, CFG_COLSB) ||
        !all_zero(cfg, CFG_COLSB + 2 * PALETTE_TILES, CFG_ROWS) ||
        !all_zero(cfg, CFG_ROWS + PALETTE_TILES, CFG_BYTES))
        return false;
    for (unsigned t = 0; t < PALETTE_TILES; t++) {
        unsigned colsb = tile_colsb(cfg, t), rows = cfg[CFG_ROWS + t];
        if (colsb > PALETTE_ROW_BYTES || rows > PALETTE_ROWS || (colsb == 0) != (rows == 0))
            return false;
    }
    return true;
}

/* The area's TILECFG when the tiles are configured (TILES_CONFIGURED: palette 1), else
 * NULL: in its init state, or an image LDTILECFG would refuse, which no LDTILECFG can have
 * loaded — the area of a careless or hostile VMM, or of an XRSTOR (xsave.c copies the
 * component as it is): read as no configuration, so that no tile shape exceeds palette 1's
 * (docs/amx.md). */
static const uint8_t *configured_tilecfg(const struct vcpu *cpu)
{
    const uint8_t *cfg = xstate_peek(cpu, 17);

    return cfg && palette1_valid(cfg) ? cfg : NULL;
}

/* TILECFG.start_row, written only when it changes (the component then marked modified). */
static void set_start_row(struct vcpu *cpu, unsigned row)
{
    if (configured_tilecfg(cpu)[CFG_START_ROW] != row)
        xstate_edit(cpu, 17)[CFG_START_ROW] = (uint8_t)row;
}

/* ---- LDTILECFG, STTILECFG ---- */

/* The 64-byte operand, read or written whole (every page checked first); no alignment
 * rule and no #AC (docs/amx.md). */
static struct mmu_vector_access cfg_access(const struct operand *mem)
{
    struct mmu_vector_access a = { .seg = (enum segreg)mem->seg,
                                   .offset = mem->offset,
                                   .size = CFG_BYTES,
                                   .enable = UINT64_MAX,
                                   .checked = UINT64_MAX };
    return a;
}

/* Palette 0: TILECFG and TILEDATA to their init state; palette 1 with a valid image: TILECFG
 * loaded (start_row with it), TILEDATA zeroed (its init state); anything else #GP(0). */
static enum exec_result ldtilecfg(struct vcpu *cpu, const struct operand *mem)
{
    struct mmu_vector_access a = cfg_access(mem);
    uint8_t cfg[CFG_BYTES];
    enum exec_result r = mmu_read_vector(cpu, &a, cfg);

    if (r != EXEC_OK)
        return r;
    if (cfg[CFG_PALETTE] != 0 && !palette1_valid(cfg))
        return raise_fault(cpu, EXC_GP, true, 0);
    if (cfg[CFG_PALETTE] == 0)
        xstate_reset(cpu, 17);
    else
        memcpy(xstate_edit(cpu, 17), cfg, CFG_BYTES);
    xstate_reset(cpu, 18);
    return EXEC_OK;
}

/* The configuration, or 64 zero bytes when the tiles are not configured. */
static enum exec_result sttilecfg(struct vcpu *cpu, const struct operand *mem)
{
    static const uint8_t unconfigured[CFG_BYTES];
    const uint8_t *cfg = configured_tilecfg(cpu);
    struct mmu_vector_access a = cfg_access(mem);

    return mmu_write_vector(cpu, &a, cfg ? cfg : unconfigured);
}

/* ---- TILELOADD, TILELOADDT1, TILESTORED ---- */

/* One tile load or store: the tile, its shape, where its rows are. */
struct tile_op {
    unsigned tile, rows, colsb, start_row;
    enum segreg seg;
    uint64_t begin;  /* base + displacement: row 0 */
    uint64_t stride; /* index << scale (0 without an index) */
    uint64_t address_mask;
};

/* AMX-E3's #NM: TILEDATA disabled by IA32_XFD (vol. 1 §13.14), IA32_XFD_ERR loaded with the
 * disabled components the instruction needs and kept with the fault. Only bit 18: TILECFG
 * supports no XFD (CPUID.(EAX=0DH,ECX=17):ECX[4] = 0), so no guest can set bit 17. */
static enum exec_result xfd_check(struct vcpu *cpu)
{
    uint64_t disabled = reg_get(cpu, R_XFD) & XS_TILEDATA;
    enum exec_result r;

    if (!disabled)
        return EXEC_OK;
    r = raise_fault(cpu, EXC_NM, false, 0);
    reg_set(cpu, R_XFD_ERR, disabled);
    regset_add(&cpu->fault.committed_regs, R_XFD_ERR);
    return r;
}

/* AMX-E3's #UD of the configuration: tiles not configured, the tile not configured (rows
 * 0), its colsb not a multiple of 4, or start_row not below its rows. */
static bool tile_usable(const uint8_t *cfg, unsigned t)
{
    unsigned rows = cfg ? cfg[CFG_ROWS + t] : 0;

    return rows != 0 && tile_colsb(cfg, t) % 4 == 0 && cfg[CFG_START_ROW] < rows;
}

/* The sibmem operand (vol. 2B TILELOADD "Operation"): rows from base + displacement, one
 * stride apart, the stride the index register shifted by the scale. */
static void locate_tile(struct vcpu *cpu, const struct insn *in, const uint8_t *cfg,
                        struct tile_op *op)
{
    op->rows = cfg[CFG_ROWS + op->tile];
    op->colsb = tile_colsb(cfg, op->tile);
    op->start_row = cfg[CFG_START_ROW];
    op->seg = (enum segreg)in->seg;
    op->begin = (uint64_t)(int64_t)in->disp;
    if (in->base != GPR_NONE)
        op->begin += reg_get(cpu, (enum reg_id)in->base);
    op->stride = in->index != GPR_NONE ? reg_get(cpu, (enum reg_id)in->index) * in->scale : 0;
    op->address_mask = size_mask(in->addrsize);
}

/* Row r's colsb bytes, each row its own access (checked whole before it), no #AC. */
static struct mmu_vector_access row_access(const struct tile_op *op, unsigned r)
{
    struct mmu_vector_access a = { .seg = op->seg,
                                   .offset = (op->begin + r * op->stride) & op->address_mask,
                                   .size = op->colsb };
    a.enable = a.checked = op->colsb == 64 ? UINT64_MAX : (UINT64_C(1) << op->colsb) - 1;
    return a;
}

/* TILEDATA's bytes of tile t, or NULL in its init state (all zeros). */
static const uint8_t *tile_data(const struct vcpu *cpu, unsigned t)
{
    const uint8_t *data = xstate_peek(cpu, 18);

    return data ? data + t * TILE_BYTES : NULL;
}

/* At a fault on a row after start_row, the rows before it are done: TILECFG.start_row names
 * the faulting row and is kept with the fault (with the loaded rows), so the guest's
 * re-execution goes on from there; a fault on the first row is precise. */
static enum exec_result fault_after_rows(struct vcpu *cpu, const struct tile_op *op, unsigned row,
                                         uint64_t components)
{
    if (row == op->start_row)
        return EXEC_FAULT;
    set_start_row(cpu, row);
    fault_commit_vector(cpu, components);
    return EXEC_FAULT;
}

/* Rows from start_row loaded into a copy of the tile (the rows from start_row first zeroed,
 * each row's bytes past colsb zero, the rows past the configuration's zero), then stored in
 * TILEDATA; start_row 0 on completion. */
static enum exec_result tile_load(struct vcpu *cpu, const struct tile_op *op)
{
    const uint8_t *old = tile_data(cpu, op->tile);
    uint8_t tile[TILE_BYTES] = { 0 };
    enum exec_result r = EXEC_OK;
    unsigned row;

    if (old)
        memcpy(tile, old, op->start_row * PALETTE_ROW_BYTES);
    for (row = op->start_row; row < op->rows && r == EXEC_OK; row++) {
        struct mmu_vector_access a = row_access(op, row);
        r = mmu_read_vector(cpu, &a, tile + row * PALETTE_ROW_BYTES);
    }
    if (r == EXEC_FAULT && row - 1 == op->start_row)
        return r;
    if (r != EXEC_OK && r != EXEC_FAULT)
        return r;
    memcpy(xstate_edit(cpu, 18) + op->tile * TILE_BYTES, tile, TILE_BYTES);
    if (r == EXEC_FAULT)
        return fault_after_rows(cpu, op, row - 1, XS_TILECFG | XS_TILEDATA);
    set_start_row(cpu, 0);
    return EXEC_OK;
}

/* Rows from start_row stored, colsb bytes each; start_row 0 on completion. */
static enum exec_result tile_store(struct vcpu *cpu, const struct tile_op *op)
{
    static const uint8_t init_tile[TILE_BYTES];
    const uint8_t *data = tile_data(cpu, op->tile);
    enum exec_result r = EXEC_OK;
    unsigned row;

    for (row = op->start_row; row < op->rows && r == EXEC_OK; row++) {
        struct mmu_vector_access a = row_access(op, row);
        r = mmu_write_vector(cpu, &a, (data ? data : init_tile) + row * PALETTE_ROW_BYTES);
    }
    if (r == EXEC_FAULT)
        return fault_after_rows(cpu, op, row - 1, XS_TILECFG);
    if (r == EXEC_OK)
        set_start_row(cpu, 0);
    return r;
}

static enum exec_result tile_move(struct vcpu *cpu, const struct insn *in, const struct amx_form *f)
{
    const uint8_t *cfg = configured_tilecfg(cpu);
    struct tile_op op = { .tile = operand_register(in, in->row->opnd[f->tile]) };

    if (op.tile >= PALETTE_TILES || !tile_usable(cfg, op.tile))
        return raise_fault(cpu, EXC_UD, false, 0);
    locate_tile(cpu, in, cfg, &op);
    return f->kind == AK_LOAD ? tile_load(cpu, &op) : tile_store(cpu, &op);
}

/* ---- the family function ---- */

static const struct operand *memory_operand(const struct operand *ops)
{
    for (unsigned k = 0; k < MAX_OPERANDS; k++)
        if (ops[k].type == OPT_MEM)
            return &ops[k];
    return NULL;
}

/* The order of the exception classes: #UD of CR4.OSXSAVE and XCR0[18:17] (64-bit mode, VEX.L,
 * VEX.W, vvvv and the SIB byte are the decoder's), AMX-E3's #NM, then the area
 * (InternalEmulationFailure without the extension, before any memory access), the #UD of
 * the configuration, the operand. */
enum exec_result x_amx(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    const struct amx_form *f = form_of(in);
    const struct operand *mem = memory_operand(ops);
    enum exec_result r;

    if (!f || !mem)
        return EXEC_UNSUPPORTED;
    if (!simd_state_usable(STATE_AMX, 0, reg_get(cpu, R_CR4), reg_get(cpu, R_XCR0)))
        return raise_fault(cpu, EXC_UD, false, 0);
    r = f->kind >= AK_LOAD ? xfd_check(cpu) : EXEC_OK;
    if (r == EXEC_OK)
        r = xstate_fetch(cpu, f->need);
    if (r != EXEC_OK)
        return r;
    switch (f->kind) {
    case AK_LDTILECFG: return ldtilecfg(cpu, mem);
    case AK_STTILECFG: return sttilecfg(cpu, mem);
    default: return tile_move(cpu, in, f);
    }
}
