/* Compares the layout images written by abi_layout.c, fact by fact.
 *
 *   abi_compare REFERENCE_LABEL=image.bin LABEL=image.bin...
 *
 * The first image is the reference (mingw-w64's SDK headers); every other image must
 * match it exactly. Each mismatch is printed with the fact's name and both values;
 * the exit status is 0 only if all images match. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi_record.h"

enum record_kind { RECORD_VALUE, RECORD_BITS };

struct record_name {
    enum record_kind kind;
    const char *what; /* printed before the name: "sizeof", "offsetof"... */
    const char *name;
};

static const struct record_name records[] = {
#define ABI_TYPE(T) { RECORD_VALUE, "sizeof", #T }, { RECORD_VALUE, "alignof", #T },
#define ABI_FIELD(T, m)                                                                            \
    { RECORD_VALUE, "offsetof", #T "." #m }, { RECORD_VALUE, "sizeof", #T "." #m },
#define ABI_BITS(T, f) { RECORD_BITS, "bit-field", #T "." #f },
#define ABI_ENUM(E, name) { RECORD_VALUE, "value of", #E "::" #name },
#define ABI_CONST(name) { RECORD_VALUE, "value of", #name },
#define ABI_CALLBACK(T, R, args)
#define ABI_FUNCTION(f, R, args)
#include "abi_checks.def"
};
enum { RECORD_COUNT = sizeof records / sizeof records[0] };
enum { IMAGE_SIZE = ABI_MAGIC_SIZE + RECORD_COUNT * ABI_RECORD_SIZE };

struct image {
    const char *label; /* "LABEL=FILE": printed up to the '=' */
    int label_length;
    const char *path;
    unsigned char *bytes;
};

/* Reads an image; objcopy may append section alignment padding, which must be zero. */
static int load_image(struct image *image, const char *argument)
{
    const char *equals = strchr(argument, '=');
    if (!equals) {
        fprintf(stderr, "abi_compare: expected LABEL=FILE, got '%s'\n", argument);
        return -1;
    }
    image->label = argument;
    image->label_length = (int)(equals - argument);
    image->path = equals + 1;
    FILE *file = fopen(image->path, "rb");
    if (!file) {
        perror(image->path);
        return -1;
    }
    image->bytes = calloc(1, IMAGE_SIZE);
    size_t got = image->bytes ? fread(image->bytes, 1, IMAGE_SIZE, file) : 0;
    int extra, nonzero_padding = 0;
    while ((extra = fgetc(file)) != EOF)
        nonzero_padding |= extra != 0;
    fclose(file);
    if (got != IMAGE_SIZE || nonzero_padding ||
        memcmp(image->bytes, ABI_MAGIC, sizeof ABI_MAGIC) != 0) {
        fprintf(stderr,
                "%s: not a layout image of %d facts (%zu bytes read): was it built "
                "from the same abi_checks.def?\n",
                image->path, RECORD_COUNT, got);
        return -1;
    }
    return 0;
}

static uint64_t record_value(const unsigned char *record)
{
    uint64_t value = 0;
    for (int i = 7; i >= 0; i--)
        value = value << 8 | record[i];
    return value;
}

/* Describes a bit image as "bits FIRST..LAST", numbering bits from the start of the
 * object in little-endian order. */
static void describe_bits(const unsigned char *record, char *out, size_t outsz)
{
    int first = -1, last = -1, count = 0;
    for (int bit = 0; bit < ABI_RECORD_SIZE * 8; bit++) {
        if (record[bit / 8] >> (bit % 8) & 1) {
            if (first < 0)
                first = bit;
            last = bit;
            count++;
        }
    }
    if (count == 0)
        snprintf(out, outsz, "no bits");
    else
        snprintf(out, outsz, "bits %d..%d (width %d)%s", first, last, last - first + 1,
                 count == last - first + 1 ? "" : ", not contiguous");
}

static void describe(const struct record_name *name, const unsigned char *record, char *out,
                     size_t outsz)
{
    if (name->kind == RECORD_BITS)
        describe_bits(record, out, outsz);
    else
        snprintf(out, outsz, "%#llx", (unsigned long long)record_value(record));
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s REFERENCE_LABEL=FILE LABEL=FILE...\n", argv[0]);
        return 2;
    }
    struct image reference;
    if (load_image(&reference, argv[1]) != 0)
        return 2;
    int mismatches = 0;
    for (int arg = 2; arg < argc; arg++) {
        struct image candidate;
        if (load_image(&candidate, argv[arg]) != 0)
            return 2;
        int candidate_mismatches = 0;
        for (int i = 0; i < RECORD_COUNT; i++) {
            size_t offset = ABI_MAGIC_SIZE + (size_t)i * ABI_RECORD_SIZE;
            const unsigned char *want = reference.bytes + offset;
            const unsigned char *got = candidate.bytes + offset;
            if (memcmp(want, got, ABI_RECORD_SIZE) == 0)
                continue;
            char want_text[64], got_text[64];
            describe(&records[i], want, want_text, sizeof want_text);
            describe(&records[i], got, got_text, sizeof got_text);
            printf("MISMATCH %s %s: %.*s has %s, %.*s has %s\n", records[i].what, records[i].name,
                   reference.label_length, reference.label, want_text, candidate.label_length,
                   candidate.label, got_text);
            candidate_mismatches++;
        }
        free(candidate.bytes);
        printf("%.*s: %d facts compared with %.*s: %d differ\n", candidate.label_length,
               candidate.label, RECORD_COUNT, reference.label_length, reference.label,
               candidate_mismatches);
        mismatches += candidate_mismatches;
    }
    free(reference.bytes);
    return mismatches ? 1 : 0;
}
