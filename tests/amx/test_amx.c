/* AMX through the API (src/exec/amx.c): LDTILECFG, STTILECFG, TILELOADD, TILELOADDT1 and
 * TILESTORED with the CLI's guest as the VMM (registers, memory, translation) and an
 * extended-state area of its own that holds TILECFG and TILEDATA (XSAVE components 17 and
 * 18), standard or compacted.
 *
 * No CPU here has AMX, so every expectation is written by hand from the SDM (docs/amx.md):
 * vol. 2B LDTILECFG/STTILECFG/TILELOADD/TILESTORED "Operation" (TILECFG's layout, palette 1:
 * 8 tiles, 64 bytes per row, 16 rows; the rows from start_row zeroed, each row's bytes past
 * colsb zero, start_row kept at a fault and 0 on completion), vol. 2A §2.10 (AMX-E1, -E2,
 * -E3: #UD, #GP, #NM), vol. 1 §13.14 (IA32_XFD, IA32_XFD_ERR). The faults in the middle of
 * a tile come from a page the guest's translation says is absent. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "guest.h"
#include "guest_vcpu.h"

#define CFG_OFFSET 2752u  /* component 17 in the standard format (Intel's offsets) */
#define DATA_OFFSET 2816u /* component 18 */
#define AREA_SIZE (DATA_OFFSET + 8192u)
#define HEADER 512u
#define COMPACTED (UINT64_C(1) << 63)
#define XCR0_AMX 0x60007u /* x87, SSE, AVX, TILECFG, TILEDATA */
#define CR4_OSXSAVE (1u << 18)
#define BASE 0x10000u /* rbx: the tile's first row at BASE + 0x10 */
#define STRIDE 0x100u /* rcx */

/* ---- the VMM's extended state ---- */

static struct {
    uint8_t area[AREA_SIZE];
    unsigned gets, sets;
    uint64_t modified;
    bool compacted;
} vmm;

static struct guest g;

static uint32_t place(unsigned component)
{
    if (!vmm.compacted)
        return component == 17 ? CFG_OFFSET : DATA_OFFSET;
    return component == 17 ? 576 : 640; /* packed from 576, 18 aligned to 64 */
}

static uint8_t *component(unsigned i)
{
    return vmm.area + place(i);
}

static uint64_t xstate_bv(void)
{
    uint64_t bv;
    memcpy(&bv, vmm.area + HEADER, 8);
    return bv;
}

static HRESULT CALLBACK get_xstate(VOID *context, VOID *buffer, UINT32 size, UINT32 *written)
{
    (void)context;
    vmm.gets++;
    memcpy(buffer, vmm.area, size < AREA_SIZE ? size : AREA_SIZE);
    *written = AREA_SIZE;
    return S_OK;
}

static HRESULT CALLBACK set_xstate(VOID *context, const VOID *buffer, UINT32 size, UINT64 modified)
{
    (void)context;
    vmm.sets++;
    vmm.modified = modified;
    memcpy(vmm.area, buffer, size < AREA_SIZE ? size : AREA_SIZE);
    return S_OK;
}

static WHVEMU_XSTATE_LAYOUT amx_layout(void)
{
    WHVEMU_XSTATE_LAYOUT l;

    memset(&l, 0, sizeof l);
    l.AreaSize = AREA_SIZE;
    l.Component[0] = (WHVEMU_XSTATE_COMPONENT){ 160, 0, 0 };
    l.Component[1] = (WHVEMU_XSTATE_COMPONENT){ 256, 160, 0 };
    l.Component[2] = (WHVEMU_XSTATE_COMPONENT){ 256, 576, 0 };
    l.Component[17] = (WHVEMU_XSTATE_COMPONENT){ 64, CFG_OFFSET, 0 };
    l.Component[18] = (WHVEMU_XSTATE_COMPONENT){ 8192, DATA_OFFSET, 2 };
    return l;
}

/* ---- the guest ---- */

static WHV_REGISTER_VALUE *reg(WHV_REGISTER_NAME name)
{
    return vcpu_reg(&g.vcpu, name);
}

/* A 64-bit guest with AMX enabled (CR4.OSXSAVE, XCR0[18:17]), rbx BASE, rcx STRIDE, memory
 * whose byte at a is (a * 7) & 0xff, an area in its init state but TILEDATA's sentinel
 * bytes (XSTATE_BV[18] set), and an emulator with the extension (or none). */
static WHV_EMULATOR_HANDLE fresh(bool compacted, bool extension)
{
    WHVEMU_XSTATE_LAYOUT l = amx_layout();
    WHVEMU_XSTATE_CALLBACKS c = { sizeof c, 0, get_xstate, set_xstate, &l };
    WHV_EMULATOR_HANDLE h = NULL;
    uint64_t header[2] = { UINT64_C(1) << 18, compacted ? COMPACTED | 0x60003 : 0 };
    uint8_t page[4096];

    guest_free(&g);
    guest_init(&g);
    vcpu_set_defaults(&g.vcpu, VCPU_LONG64);
    reg(WHvX64RegisterCr4)->Reg64 |= CR4_OSXSAVE;
    reg(WHvX64RegisterXCr0)->Reg64 = XCR0_AMX;
    reg(WHvX64RegisterRbx)->Reg64 = BASE;
    reg(WHvX64RegisterRcx)->Reg64 = STRIDE;
    for (uint64_t p = BASE; p < BASE + 0x40000; p += sizeof page) {
        for (unsigned k = 0; k < sizeof page; k++)
            page[k] = (uint8_t)((p + k) * 7);
        guest_write(&g, p, page, sizeof page);
    }
    memset(&vmm, 0, sizeof vmm);
    vmm.compacted = compacted;
    memcpy(vmm.area + HEADER, header, sizeof header);
    memset(component(18), 0x5a, 8192);
    CHECK(WHvEmulatorCreateEmulator(&guest_callbacks, &h) == S_OK, "create");
    if (extension)
        CHECK(whvemu_set_xstate_callbacks(h, &c) == S_OK, "the AMX layout registers");
    return h;
}

static void absent_page(uint64_t gva)
{
    g.mappings[g.mapping_count++] =
        (struct guest_mapping){ gva & ~UINT64_C(0xfff), 0, WHvTranslateGvaResultPageNotPresent };
}

static uint64_t rip(void)
{
    return reg(WHvX64RegisterRip)->Reg64;
}

/* Run one exit; the vector injected, or 0xff for none. */
static unsigned run(WHV_EMULATOR_HANDLE h, const char *bytes, unsigned length,
                    WHV_EMULATOR_STATUS *st)
{
    WHV_X64_PENDING_INTERRUPTION_REGISTER pending;

    reg(WHvRegisterPendingInterruption)->Reg64 = 0;
    guest_run_mmio(&g, h, bytes, length, st);
    pending.AsUINT64 = reg(WHvRegisterPendingInterruption)->Reg64;
    return pending.InterruptionPending ? pending.InterruptionVector : 0xff;
}

#define RUN(h, bytes, st) run(h, bytes, sizeof(bytes) - 1, st)

/* The encodings (SDM vol. 2B): VEX.128.pp.0F38.W0 49 or 4B. */
#define LDTILECFG_RBX "\xc4\xe2\x78\x49\x03"               /* ldtilecfg [rbx] */
#define STTILECFG_RBX "\xc4\xe2\x79\x49\x03"               /* sttilecfg [rbx] */
#define TILELOADD_1 "\xc4\xe2\x7b\x4b\x4c\x0b\x10"         /* tileloadd tmm1, [rbx+rcx+10h] */
#define TILELOADDT1_1 "\xc4\xe2\x79\x4b\x4c\x0b\x10"       /* tileloaddt1 tmm1, [rbx+rcx+10h] */
#define TILESTORED_1 "\xc4\xe2\x7a\x4b\x4c\x0b\x10"        /* tilestored [rbx+rcx+10h], tmm1 */
#define TILELOADD_2_NOINDEX "\xc4\xe2\x7b\x4b\x14\x23"     /* tileloadd tmm2, [rbx] */
#define TILELOADD_1_A32 "\x67\xc4\xe2\x7b\x4b\x4c\x4b\x10" /* tileloadd tmm1, [ebx+ecx*2+10h] */

/* A palette-1 image: tmm0 16 x 64, tmm1 5 rows x 12 bytes, tmm2 2 x 8, tmm3 3 x 6 (colsb
 * not a multiple of 4: loads and stores #UD), the rest unused; start_row as given. */
static void tilecfg_image(uint8_t cfg[64], unsigned start_row)
{
    static const uint8_t rows[8] = { 16, 5, 2, 3 }, colsb[8] = { 64, 12, 8, 6 };

    memset(cfg, 0, 64);
    cfg[0] = 1;
    cfg[1] = (uint8_t)start_row;
    for (unsigned t = 0; t < 8; t++) {
        cfg[16 + 2 * t] = colsb[t];
        cfg[48 + t] = rows[t];
    }
}

/* The area configured as LDTILECFG of tilecfg_image leaves it (TILEDATA's sentinel kept, as
 * after a load that set it). */
static void configure(unsigned start_row)
{
    uint64_t bv = xstate_bv() | UINT64_C(1) << 17;

    tilecfg_image(component(17), start_row);
    memcpy(vmm.area + HEADER, &bv, 8);
}

static uint8_t memory_byte(uint64_t a)
{
    return (uint8_t)(a * 7);
}

/* tmm1's row r as the load leaves it: colsb 12 bytes from row r's address, then zeros. */
static bool row_loaded(unsigned r, uint64_t stride)
{
    const uint8_t *row = component(18) + 1024 + 64 * r;
    uint64_t at = BASE + 0x10 + r * stride;

    for (unsigned k = 0; k < 64; k++)
        if (row[k] != (k < 12 ? memory_byte(at + k) : 0))
            return false;
    return true;
}

static bool bytes_are(const uint8_t *p, unsigned n, uint8_t value)
{
    for (unsigned k = 0; k < n; k++)
        if (p[k] != value)
            return false;
    return true;
}

/* ---- LDTILECFG, STTILECFG ---- */

TEST(test_ldtilecfg_palette1)
{
    WHV_EMULATOR_STATUS st;
    uint8_t cfg[64];
    WHV_EMULATOR_HANDLE h = fresh(false, true);
    uint64_t before = rip();

    tilecfg_image(cfg, 3);
    guest_write(&g, BASE, cfg, sizeof cfg);
    CHECK_EQ(RUN(h, LDTILECFG_RBX, &st), 0xff, "ldtilecfg: no fault");
    CHECK(st.EmulationSuccessful && rip() == before + 5, "ldtilecfg: done, RIP advanced");
    CHECK(!memcmp(component(17), cfg, 64), "TILECFG is the image, start_row with it");
    CHECK_EQ(xstate_bv() >> 17 & 3, 1, "XSTATE_BV: TILECFG in use, TILEDATA init");
    CHECK(bytes_are(component(18), 8192, 0), "TILEDATA zeroed (zero_all_tile_data)");
    CHECK_EQ(vmm.modified, 0x60000, "Modified: components 17 and 18");
    CHECK(vmm.gets == 1 && vmm.sets == 1, "one GetXstate, one SetXstate");
    WHvEmulatorDestroyEmulator(h);
}

TEST(test_ldtilecfg_palette0_is_init)
{
    WHV_EMULATOR_STATUS st;
    uint8_t cfg[64];
    WHV_EMULATOR_HANDLE h = fresh(false, true);

    configure(0);
    memset(cfg, 0, sizeof cfg);
    cfg[5] = 0xff; /* palette 0 checks nothing else */
    guest_write(&g, BASE, cfg, sizeof cfg);
    CHECK_EQ(RUN(h, LDTILECFG_RBX, &st), 0xff, "palette 0: no fault");
    CHECK_EQ(xstate_bv() >> 17 & 3, 0, "palette 0: TILECFG and TILEDATA in their init state");
    CHECK(bytes_are(component(17), 64, 0) && bytes_are(component(18), 8192, 0),
          "palette 0: init values written");
    WHvEmulatorDestroyEmulator(h);
}

/* Each row of LDTILECFG's "Operation" that sets error: #GP(0), nothing stored. */
TEST(test_ldtilecfg_gp)
{
    static const struct {
        const char *what;
        unsigned at;
        uint8_t value;
    } bad[] = {
        { "palette 2", 0, 2 },
        { "reserved byte 2", 2, 1 },
        { "reserved byte 15", 15, 0x80 },
        { "colsb 65", 16, 65 },
        { "colsb >= 256", 17, 1 },
        { "tile 4 colsb without rows", 24, 4 },
        { "reserved byte 32", 32, 1 },
        { "reserved byte 47", 47, 1 },
        { "rows 17", 48, 17 },
        { "tile 5 rows without colsb", 53, 1 },
        { "reserved byte 56", 56, 1 },
        { "reserved byte 63", 63, 1 },
    };
    WHV_EMULATOR_STATUS st;

    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        WHV_EMULATOR_HANDLE h = fresh(false, true);
        uint64_t before = rip();
        uint8_t cfg[64];
        tilecfg_image(cfg, 0);
        cfg[bad[i].at] = bad[i].value;
        guest_write(&g, BASE, cfg, sizeof cfg);
        CHECK_EQ(RUN(h, LDTILECFG_RBX, &st), 13, bad[i].what);
        CHECK(vmm.sets == 0 && rip() == before && xstate_bv() == UINT64_C(1) << 18,
              "%s: nothing stored, RIP unchanged", bad[i].what);
        WHvEmulatorDestroyEmulator(h);
    }
}

TEST(test_sttilecfg)
{
    WHV_EMULATOR_STATUS st;
    uint8_t got[64], want[64];
    WHV_EMULATOR_HANDLE h = fresh(false, true);

    CHECK_EQ(RUN(h, STTILECFG_RBX, &st), 0xff, "sttilecfg, not configured: no fault");
    guest_read(&g, BASE, got, sizeof got);
    CHECK(bytes_are(got, 64, 0), "not configured: 64 zero bytes");
    CHECK_EQ(vmm.sets, 0, "sttilecfg changes no state");
    configure(2);
    CHECK_EQ(RUN(h, STTILECFG_RBX, &st), 0xff, "sttilecfg, configured: no fault");
    guest_read(&g, BASE, got, sizeof got);
    tilecfg_image(want, 2);
    CHECK(!memcmp(got, want, 64), "configured: the configuration, start_row with it");
    /* an image LDTILECFG would refuse is no configuration (XRSTOR of it gives init) */
    component(17)[40] = 1;
    CHECK_EQ(RUN(h, STTILECFG_RBX, &st), 0xff, "sttilecfg, invalid area: no fault");
    guest_read(&g, BASE, got, sizeof got);
    CHECK(bytes_are(got, 64, 0), "an invalid TILECFG in the area stores as unconfigured");
    WHvEmulatorDestroyEmulator(h);
}

/* ---- the tile loads and stores ---- */

static void check_tmm1_load(const char *what, unsigned from_row)
{
    bool rows = true;

    for (unsigned r = from_row; r < 5; r++)
        rows &= row_loaded(r, STRIDE);
    CHECK(rows, "%s: rows %u-4, 12 bytes each, the rest of each row zero", what, from_row);
    CHECK(bytes_are(component(18) + 1024 + 5 * 64, 11 * 64, 0), "%s: rows 5-15 zero", what);
    CHECK(bytes_are(component(18), 1024, 0x5a) && bytes_are(component(18) + 2048, 6144, 0x5a),
          "%s: the other tiles untouched", what);
    CHECK_EQ(component(17)[1], 0, "start_row 0 on completion");
}

TEST(test_tileloadd)
{
    static const char *const forms[] = { TILELOADD_1, TILELOADDT1_1 };
    WHV_EMULATOR_STATUS st;

    for (unsigned compacted = 0; compacted < 2; compacted++)
        for (unsigned f = 0; f < 2; f++) {
            WHV_EMULATOR_HANDLE h = fresh(compacted, true);
            uint64_t before = rip();
            configure(0);
            g.log = calloc(64, sizeof *g.log);
            g.log_capacity = 64;
            CHECK_EQ(run(h, forms[f], 7, &st), 0xff, "load: no fault");
            CHECK(st.EmulationSuccessful && rip() == before + 7, "load: RIP advanced");
            check_tmm1_load(compacted ? "compacted" : "standard", 0);
            CHECK_EQ(vmm.modified, UINT64_C(1) << 18, "Modified: TILEDATA only");
            /* each row 12 bytes at base + disp + r * stride: 8 and 4 */
            CHECK(g.log_count == 10 && g.log[2].address == BASE + 0x110 && g.log[2].size == 8 &&
                      g.log[3].size == 4 && g.log[9].address == BASE + 0x418,
                  "five rows of 12 bytes, a stride apart (%u accesses)", g.log_count);
            free(g.log);
            g.log = NULL;
            WHvEmulatorDestroyEmulator(h);
        }
}

TEST(test_tileloadd_no_index_and_address_size)
{
    WHV_EMULATOR_STATUS st;
    WHV_EMULATOR_HANDLE h = fresh(false, true);
    bool same = true;

    configure(0);
    CHECK_EQ(RUN(h, TILELOADD_2_NOINDEX, &st), 0xff, "no index: no fault");
    for (unsigned r = 0; r < 2; r++)
        for (unsigned k = 0; k < 64; k++)
            same &= component(18)[2048 + 64 * r + k] == (k < 8 ? memory_byte(BASE + k) : 0);
    CHECK(same, "no index: stride 0, every row from [rbx]");
    WHvEmulatorDestroyEmulator(h);

    /* 32-bit addresses wrap at 4 GiB: ebx = BASE - 4 GiB + ..., ecx * 2 */
    h = fresh(false, true);
    configure(0);
    reg(WHvX64RegisterRbx)->Reg64 = UINT64_C(0xffffffff00000000) | BASE;
    reg(WHvX64RegisterRcx)->Reg64 = UINT64_C(0x1234567800000000) | (STRIDE / 2);
    CHECK_EQ(RUN(h, TILELOADD_1_A32, &st), 0xff, "a32: no fault");
    check_tmm1_load("address size 32", 0);
    WHvEmulatorDestroyEmulator(h);
}

/* A fault on row 3 (a page per row): rows 0-2 kept with TILECFG.start_row 3 and the #PF;
 * the re-executed instruction goes on from row 3 (rows 0-2 not read again: their memory
 * changed since). */
TEST(test_tileloadd_restart)
{
    WHV_EMULATOR_STATUS st;
    WHV_EMULATOR_HANDLE h = fresh(false, true);
    uint64_t before = rip(), row3 = BASE + 0x10 + 0x3000;
    uint8_t scribble[12];
    bool rows = true;

    configure(0);
    reg(WHvX64RegisterRcx)->Reg64 = 0x1000;
    absent_page(row3);
    CHECK_EQ(RUN(h, TILELOADD_1, &st), 14, "row 3 absent: #PF");
    CHECK_EQ(reg(WHvX64RegisterCr2)->Reg64, row3, "CR2: row 3's first byte");
    CHECK(rip() == before && component(17)[1] == 3, "RIP unchanged, start_row 3");
    CHECK_EQ(vmm.modified, 0x60000, "the rows done and start_row kept with the fault");
    for (unsigned r = 0; r < 3; r++)
        rows &= row_loaded(r, 0x1000);
    CHECK(rows && bytes_are(component(18) + 1024 + 3 * 64, 13 * 64, 0),
          "rows 0-2 loaded, 3-15 zero");
    memset(scribble, 0xee, sizeof scribble);
    for (unsigned r = 0; r < 3; r++)
        guest_write(&g, BASE + 0x10 + r * 0x1000, scribble, sizeof scribble);
    g.mapping_count = 0;
    CHECK_EQ(RUN(h, TILELOADD_1, &st), 0xff, "re-executed: no fault");
    for (unsigned r = 0; r < 5; r++)
        rows &= r < 3 ? component(18)[1024 + 64 * r] != 0xee : row_loaded(r, 0x1000);
    CHECK(rows && component(17)[1] == 0 && rip() == before + 7,
          "re-executed from row 3: rows 0-2 not read again, start_row 0, RIP advanced");
    WHvEmulatorDestroyEmulator(h);
}

/* Row 2 past the canonical boundary: #GP(0) with start_row 2, rows 0-1 kept. */
TEST(test_tileloadd_noncanonical_row)
{
    WHV_EMULATOR_STATUS st;
    WHV_EMULATOR_HANDLE h = fresh(false, true);

    configure(0);
    reg(WHvX64RegisterRbx)->Reg64 = UINT64_C(0x7ffffffffdf0); /* row 2 at 8000_0000_0000h */
    CHECK_EQ(RUN(h, TILELOADD_1, &st), 13, "row 2 non-canonical: #GP");
    CHECK(component(17)[1] == 2 && vmm.modified == 0x60000, "start_row 2 kept with the #GP");
    CHECK(bytes_are(component(18) + 1024, 1024, 0), "rows 0-1 loaded (zeros there), the rest 0");
    WHvEmulatorDestroyEmulator(h);
}

/* A fault on the first row to load is precise: nothing kept. */
TEST(test_tileloadd_precise_fault)
{
    WHV_EMULATOR_STATUS st;
    WHV_EMULATOR_HANDLE h = fresh(false, true);

    configure(2);
    absent_page(BASE + 0x10 + 2 * STRIDE);
    CHECK_EQ(RUN(h, TILELOADD_1, &st), 14, "start_row's row absent: #PF");
    CHECK(vmm.sets == 0 && component(17)[1] == 2, "nothing stored, start_row still 2");
    WHvEmulatorDestroyEmulator(h);
}

TEST(test_tilestored)
{
    WHV_EMULATOR_STATUS st;
    WHV_EMULATOR_HANDLE h = fresh(false, true);
    uint8_t got[12];
    bool rows = true;

    configure(0);
    reg(WHvX64RegisterRcx)->Reg64 = 0x1000; /* a page per row */
    for (unsigned k = 0; k < 1024; k++)
        component(18)[1024 + k] = (uint8_t)k;
    absent_page(BASE + 0x10 + 4 * 0x1000);
    CHECK_EQ(RUN(h, TILESTORED_1, &st), 14, "row 4 absent: #PF");
    CHECK(component(17)[1] == 4 && vmm.modified == UINT64_C(1) << 17,
          "start_row 4 kept with the fault");
    for (unsigned r = 0; r < 4; r++) {
        guest_read(&g, BASE + 0x10 + r * 0x1000, got, sizeof got);
        for (unsigned k = 0; k < 12; k++)
            rows &= got[k] == (uint8_t)(64 * r + k);
    }
    CHECK(rows, "rows 0-3 stored, 12 bytes each");
    guest_read(&g, BASE + 0x10 + 12, got, 1);
    CHECK_EQ(got[0], memory_byte(BASE + 0x10 + 12), "no byte past colsb written");
    g.mapping_count = 0;
    CHECK_EQ(RUN(h, TILESTORED_1, &st), 0xff, "re-executed: no fault");
    guest_read(&g, BASE + 0x10 + 4 * 0x1000, got, sizeof got);
    CHECK(got[0] == (uint8_t)(64 * 4) && got[11] == (uint8_t)(64 * 4 + 11),
          "row 4 stored on re-execution");
    CHECK_EQ(component(17)[1], 0, "start_row 0 on completion");
    WHvEmulatorDestroyEmulator(h);
}

/* ---- the exception classes ---- */

struct ud_case {
    const char *what;
    const char *bytes;
    unsigned length;
    void (*setup)(void);
};

static void no_amx_in_xcr0(void)
{
    reg(WHvX64RegisterXCr0)->Reg64 = 7;
}
static void no_osxsave(void)
{
    reg(WHvX64RegisterCr4)->Reg64 &= ~(uint64_t)CR4_OSXSAVE;
}
static void unconfigured(void)
{
}
static void configured(void)
{
    configure(0);
}
static void start_row_past_rows(void)
{
    configure(5);
}

TEST(test_ud)
{
    static const struct ud_case cases[] = {
        { "ldtilecfg, XCR0[18:17] clear", LDTILECFG_RBX, 5, no_amx_in_xcr0 },
        { "sttilecfg, CR4.OSXSAVE clear", STTILECFG_RBX, 5, no_osxsave },
        { "tileloadd, XCR0[18:17] clear", TILELOADD_1, 7, no_amx_in_xcr0 },
        { "tileloadd, tiles not configured", TILELOADD_1, 7, unconfigured },
        { "tilestored, tiles not configured", TILESTORED_1, 7, unconfigured },
        { "tileloadd tmm4 (rows 0)", "\xc4\xe2\x7b\x4b\x64\x0b\x10", 7, configured },
        { "tileloadd tmm3 (colsb 6)", "\xc4\xe2\x7b\x4b\x5c\x0b\x10", 7, configured },
        { "tileloadd, start_row 5 of 5 rows", TILELOADD_1, 7, start_row_past_rows },
        { "tileloadd without a SIB byte", "\xc4\xe2\x7b\x4b\x0b", 5, configured },
        { "tileloadd with VEX.L1", "\xc4\xe2\x7f\x4b\x4c\x0b\x10", 7, configured },
    };
    WHV_EMULATOR_STATUS st;

    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        WHV_EMULATOR_HANDLE h = fresh(false, true);
        uint64_t before = rip();
        cases[i].setup();
        CHECK_EQ(run(h, cases[i].bytes, cases[i].length, &st), 6, cases[i].what);
        CHECK(vmm.sets == 0 && rip() == before && g.calls[GUEST_CB_MEMORY] == 0,
              "%s: nothing stored, no access", cases[i].what);
        WHvEmulatorDestroyEmulator(h);
    }
}

TEST(test_ud_outside_64bit_mode)
{
    WHV_EMULATOR_STATUS st;
    WHV_EMULATOR_HANDLE h = fresh(false, true);

    vcpu_set_defaults(&g.vcpu, VCPU_COMPAT32);
    reg(WHvX64RegisterCr4)->Reg64 |= CR4_OSXSAVE;
    reg(WHvX64RegisterXCr0)->Reg64 = XCR0_AMX;
    CHECK_EQ(RUN(h, LDTILECFG_RBX, &st), 6, "ldtilecfg in compatibility mode: #UD");
    WHvEmulatorDestroyEmulator(h);
}

/* IA32_XFD[18]: the tile loads and stores #NM with IA32_XFD_ERR = 40000H; LDTILECFG runs. */
TEST(test_xfd)
{
    WHV_EMULATOR_STATUS st;
    WHV_EMULATOR_HANDLE h = fresh(false, true);
    uint8_t cfg[64];

    configure(0);
    reg(WHvX64RegisterXfd)->Reg64 = UINT64_C(1) << 18;
    CHECK_EQ(RUN(h, TILELOADD_1, &st), 7, "tileloadd with XFD[18]: #NM");
    CHECK_EQ(reg(WHvX64RegisterXfdErr)->Reg64, UINT64_C(1) << 18, "XFD_ERR: TILEDATA");
    CHECK(vmm.gets == 0 && g.calls[GUEST_CB_MEMORY] == 0, "#NM before the area and memory");
    reg(WHvX64RegisterXfdErr)->Reg64 = 0;
    CHECK_EQ(RUN(h, TILESTORED_1, &st), 7, "tilestored with XFD[18]: #NM");
    reg(WHvX64RegisterXfd)->Reg64 = UINT64_C(1) << 17;
    CHECK_EQ(RUN(h, TILELOADD_1, &st), 0xff, "XFD[17] alone (TILECFG has no XFD): no #NM");
    reg(WHvX64RegisterXfd)->Reg64 = UINT64_C(1) << 18;
    reg(WHvX64RegisterXfdErr)->Reg64 = 0;
    tilecfg_image(cfg, 0);
    guest_write(&g, BASE, cfg, sizeof cfg);
    CHECK_EQ(RUN(h, LDTILECFG_RBX, &st), 0xff, "ldtilecfg with XFD[18]: no #NM");
    CHECK_EQ(reg(WHvX64RegisterXfdErr)->Reg64, 0, "ldtilecfg: XFD_ERR untouched");
    WHvEmulatorDestroyEmulator(h);
}

/* Without the extension (or without the components in its layout): InternalEmulationFailure,
 * before any memory access, nothing written back — after the #UD and #NM of the registers. */
TEST(test_no_extension)
{
    static const char *const forms[] = { LDTILECFG_RBX, STTILECFG_RBX, TILELOADD_1 };
    static const unsigned lengths[] = { 5, 5, 7 };
    WHV_EMULATOR_STATUS st;

    for (unsigned f = 0; f < 3; f++) {
        WHV_EMULATOR_HANDLE h = fresh(false, false);
        CHECK_EQ(run(h, forms[f], lengths[f], &st), 0xff, "no extension: nothing injected");
        CHECK(st.InternalEmulationFailure && !st.EmulationSuccessful &&
                  g.calls[GUEST_CB_MEMORY] == 0 && g.calls[GUEST_CB_SET_REGISTERS] == 0,
              "no extension: InternalEmulationFailure, untouched (status 0x%x)", st.AsUINT32);
        WHvEmulatorDestroyEmulator(h);
    }
}

/* The extension installed, but its layout or its area without TILECFG and TILEDATA. */
TEST(test_area_without_tiles)
{
    WHVEMU_XSTATE_LAYOUT l = amx_layout();
    WHVEMU_XSTATE_CALLBACKS c = { sizeof c, 0, get_xstate, set_xstate, &l };
    WHV_EMULATOR_STATUS st;
    WHV_EMULATOR_HANDLE h = fresh(true, true);
    /* a compacted area without components 17 and 18, none of its components in use */
    uint64_t header[2] = { 0, COMPACTED | 7 };

    memcpy(vmm.area + HEADER, header, sizeof header);
    CHECK_EQ(RUN(h, TILELOADD_1, &st), 0xff, "area without the tiles: nothing injected");
    CHECK(st.InternalEmulationFailure && vmm.sets == 0 && g.calls[GUEST_CB_MEMORY] == 0,
          "area without the tiles: InternalEmulationFailure, untouched");
    WHvEmulatorDestroyEmulator(h);
    h = fresh(false, false);
    l.Component[17] = l.Component[18] = (WHVEMU_XSTATE_COMPONENT){ 0, 0, 0 };
    CHECK(whvemu_set_xstate_callbacks(h, &c) == S_OK, "a layout without AMX registers");
    CHECK_EQ(RUN(h, LDTILECFG_RBX, &st), 0xff, "layout without the tiles: nothing injected");
    CHECK(st.InternalEmulationFailure && vmm.gets == 0 && g.calls[GUEST_CB_MEMORY] == 0,
          "layout without the tiles: InternalEmulationFailure before GetXstate");
    WHvEmulatorDestroyEmulator(h);
}

/* The tile instructions leave RFLAGS alone (SDM: "Flags Affected: None"), from 0 and from
 * every arithmetic flag set. */
TEST(test_flags_unaffected)
{
    static const uint64_t flags[] = { 0x2, 0x2 | 0x8d5 };
    WHV_EMULATOR_STATUS st;

    for (unsigned i = 0; i < 2; i++) {
        WHV_EMULATOR_HANDLE h = fresh(false, true);
        configure(0);
        reg(WHvX64RegisterRflags)->Reg64 = flags[i];
        CHECK_EQ(RUN(h, TILELOADD_1, &st), 0xff, "tileloadd: no fault");
        CHECK_EQ(reg(WHvX64RegisterRflags)->Reg64, flags[i], "tileloadd: RFLAGS unchanged");
        CHECK_EQ(RUN(h, STTILECFG_RBX, &st), 0xff, "sttilecfg: no fault");
        CHECK_EQ(reg(WHvX64RegisterRflags)->Reg64, flags[i], "sttilecfg: RFLAGS unchanged");
        WHvEmulatorDestroyEmulator(h);
    }
}

TEST(test_layout_sizes)
{
    WHVEMU_XSTATE_LAYOUT l = amx_layout();
    WHVEMU_XSTATE_CALLBACKS c = { sizeof c, 0, get_xstate, set_xstate, &l };
    WHV_EMULATOR_HANDLE h = fresh(false, false);

    l.Component[18].Size = 4096;
    CHECK(whvemu_set_xstate_callbacks(h, &c) == E_INVALIDARG, "TILEDATA not 8 KiB: refused");
    l = amx_layout();
    l.Component[17].Size = 32;
    CHECK(whvemu_set_xstate_callbacks(h, &c) == E_INVALIDARG, "TILECFG not 64 bytes: refused");
    WHvEmulatorDestroyEmulator(h);
}

int main(void)
{
    check_run_tests();
    guest_free(&g);
    return check_summary();
}
