/* Run statistics and the summary: how many exits, how fast, which instructions the
 * emulator saw, and every instruction it did not complete, with its bytes and disassembly
 * (whvemu_format). Recording runs in the signal handler: fixed tables, no allocation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox.h"
#include "whvemu.h"
#include "whvnames.h"

int describe_instruction(unsigned bits, const uint8_t *bytes, size_t available, char *text,
                         size_t text_size)
{
    int length = whvemu_format(bits, bytes, available, text, text_size);
    if (length <= 0)
        strncpy(text, length == 0 ? "(bytes missing)" : "(invalid encoding)", text_size - 1);
    return length;
}

/* The mnemonic, with the prefix word in front of it if there is one ("rep movsb"). */
static void class_name(const char *text, char *name, size_t size)
{
    size_t n = strcspn(text, " ");
    if ((strncmp(text, "rep", 3) == 0 || strncmp(text, "lock", 4) == 0) && text[n] == ' ')
        n += 1 + strcspn(text + n + 1, " ");
    if (n >= size)
        n = size - 1;
    memcpy(name, text, n);
    name[n] = '\0';
}

void count_class(struct run_stats *stats, unsigned bits, const uint8_t *bytes, size_t available,
                 uint64_t ns)
{
    char text[80], name[sizeof stats->classes[0].name];
    describe_instruction(bits, bytes, available, text, sizeof text);
    class_name(text, name, sizeof name);
    for (unsigned i = 0; i < stats->class_count; i++) {
        if (strcmp(stats->classes[i].name, name) == 0) {
            stats->classes[i].count++;
            stats->classes[i].ns += ns;
            return;
        }
    }
    if (stats->class_count == MAX_CLASSES) {
        stats->classes_dropped++;
        return;
    }
    memcpy(stats->classes[stats->class_count].name, name, sizeof name);
    stats->classes[stats->class_count].ns = ns;
    stats->classes[stats->class_count++].count = 1;
}

struct failure *note_failure(struct run_stats *stats, unsigned bits, uint64_t rip,
                             const uint8_t *bytes, size_t available, uint32_t status, HRESULT hr)
{
    char text[80];
    int length = describe_instruction(bits, bytes, available, text, sizeof text);
    unsigned n = length > 0 ? (unsigned)length : (unsigned)available;
    for (unsigned i = 0; i < stats->failure_count; i++) {
        struct failure *f = &stats->failures[i];
        if (f->length == n && f->bits == bits && f->status == (uint32_t)status && f->hr == hr &&
            memcmp(f->bytes, bytes, n) == 0) {
            f->count++;
            return f;
        }
    }
    if (stats->failure_count == MAX_FAILURES) {
        stats->failures_dropped++;
        return NULL;
    }
    struct failure *f = &stats->failures[stats->failure_count++];
    memcpy(f->bytes, bytes, n);
    memcpy(f->text, text, sizeof text);
    f->length = n, f->bits = bits, f->rip = rip, f->status = status, f->hr = hr, f->count = 1;
    return f;
}

/* ---- which failures docs/status.md announces ---- */

/* A register the general-purpose instructions do not have: mm0, xmm15, ymm1, zmm31, k1, or
 * the x87 stack's st (Intel syntax writes st(1)). */
static bool is_vector_register(const char *word, size_t n)
{
    static const char *const prefixes[] = { "xmm", "ymm", "zmm", "mm", "k" };
    if (n == 2 && strncmp(word, "st", 2) == 0)
        return true;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t p = strlen(prefixes[i]);
        if (n > p && strncmp(word, prefixes[i], p) == 0 && strspn(word + p, "0123456789") == n - p)
            return true;
    }
    return false;
}

bool failure_is_documented_gap(const struct failure *f)
{
    uint32_t internal = 1u << 1; /* WHV_EMULATOR_STATUS.InternalEmulationFailure */
    if (f->hr != S_OK || f->status != internal)
        return false;
    for (const char *p = f->text; *p;) {
        size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
        if (n && is_vector_register(p, n))
            return true;
        p += n ? n : 1;
    }
    return false;
}

/* ---- the summary ---- */

static void print_status(FILE *out, uint32_t status, HRESULT hr)
{
    if (hr != S_OK) {
        fprintf(out, "HRESULT 0x%08x", (unsigned)hr);
        return;
    }
    for (unsigned bit = 0; bit < STATUS_BIT_COUNT; bit++)
        if (status >> bit & 1)
            fprintf(out, "%s", status_bit_names[bit]);
}

static void print_bytes(FILE *out, const uint8_t *bytes, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        fprintf(out, "%s%02x", i ? " " : "", bytes[i]);
}

static int by_count(const void *a, const void *b)
{
    uint64_t x = ((const struct class_count *)a)->count, y = ((const struct class_count *)b)->count;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void print_classes(FILE *out, const struct run_stats *s)
{
    struct class_count sorted[MAX_CLASSES];
    memcpy(sorted, s->classes, sizeof sorted);
    qsort(sorted, s->class_count, sizeof sorted[0], by_count);
    fprintf(out, "  emulated instructions by class (count, mean ns, bar on a log scale):\n");
    for (unsigned i = 0; i < s->class_count; i++) {
        const struct class_count *c = &sorted[i];
        int bar = 1 + (int)(29 * log10((double)c->count) / log10((double)sorted[0].count + 1));
        fprintf(out, "    %-12s %10llu %7.0f  %.*s\n", c->name, (unsigned long long)c->count,
                (double)c->ns / (double)c->count, bar, "##############################");
    }
    if (s->classes_dropped)
        fprintf(out, "    (and %llu in classes beyond the table)\n",
                (unsigned long long)s->classes_dropped);
}

static void print_failures(FILE *out, const struct run_stats *s)
{
    fprintf(out, "  failures: %u distinct instruction(s)%s\n", s->failure_count,
            s->failure_count ? ":" : "");
    for (unsigned i = 0; i < s->failure_count; i++) {
        const struct failure *f = &s->failures[i];
        fprintf(out, "    %llux at 0x%llx (%u-bit): ", (unsigned long long)f->count,
                (unsigned long long)f->rip, f->bits);
        print_bytes(out, f->bytes, f->length);
        fprintf(out, "  %s\n      status ", f->text);
        print_status(out, f->status, f->hr);
        fprintf(out, "; completed by the fallback: %llu of %llu\n",
                (unsigned long long)f->completed, (unsigned long long)f->count);
    }
    if (s->failures_dropped)
        fprintf(out, "    (and %llu beyond the table)\n", (unsigned long long)s->failures_dropped);
}

static void print_stop(FILE *out, const struct stop *st)
{
    if (!st->stopped) {
        fprintf(out, "  guest returned normally\n");
        return;
    }
    fprintf(out, "  GUEST STOPPED: %s\n    at 0x%llx (%u-bit): ", st->reason,
            (unsigned long long)st->rip, st->bits);
    print_bytes(out, st->bytes, st->count);
    fprintf(out, "  %s\n    address 0x%llx", st->text, (unsigned long long)st->address);
    if (st->vector >= 0)
        fprintf(out, ", exception vector %d, error code 0x%x", st->vector, st->error_code);
    if (st->register_refused)
        fprintf(out, ", a register callback refused register 0x%x", st->refused_register);
    fprintf(out, "\n");
}

void print_summary(FILE *out, const char *title, const struct run_stats *s)
{
    double seconds = s->wall_ns / 1e9;
    fprintf(out, "== %s ==\n", title);
    fprintf(out, "  exits: %llu device faults, %llu emulated, %llu completed by the fallback\n",
            (unsigned long long)s->exits, (unsigned long long)s->emulated,
            (unsigned long long)s->fallback_steps);
    fprintf(out, "  guest run: %.3f s host time, %.0f emulations/s\n", seconds,
            seconds > 0 ? s->emulated / seconds : 0.0);
    fprintf(out, "  %.0f ns per emulation (inside WHvEmulatorTryMmioEmulation)\n",
            s->exits ? (double)s->emulation_ns / (double)s->exits : 0.0);
    fprintf(out,
            "  YMM row copies: %s; extended state: %llu XSAVE areas fetched, %llu written back\n",
            s->avx ? "on" : "off (this CPU or OS has no AVX)", (unsigned long long)s->xstate_gets,
            (unsigned long long)s->xstate_sets);
    print_classes(out, s);
    print_failures(out, s);
    print_stop(out, &s->stop);
}
