/* The known-gap list (gap_list.h). */
#include "gap_list.h"

#include <stdlib.h>
#include <string.h>

static const char *const section_headers[GAP_SECTION_COUNT] = {
    [GAP_PENDING] = "[pending]",
    [GAP_UNMEASURED] = "[unmeasured]",
};

static void *grow(void *array, unsigned *capacity, size_t element)
{
    *capacity = *capacity ? *capacity * 2 : 256;
    array = realloc(array, *capacity * element);
    if (!array)
        abort();
    return array;
}

static const char *keep_reason(struct gap_list *list, const char *text)
{
    list->reasons = realloc(list->reasons, (list->reason_count + 1) * sizeof *list->reasons);
    if (!list->reasons)
        abort();
    return list->reasons[list->reason_count++] = strdup(text);
}

static void add_gap(struct gap_list *list, const char *pattern, const char *reason,
                    enum gap_section section)
{
    if (list->count == list->capacity)
        list->gaps = grow(list->gaps, &list->capacity, sizeof *list->gaps);
    list->gaps[list->count++] = (struct gap){ strdup(pattern), reason, section, false };
}

static enum gap_section section_of(const char *line)
{
    for (int s = GAP_PENDING; s < GAP_SECTION_COUNT; s++)
        if (!strncmp(line, section_headers[s], strlen(section_headers[s])))
            return (enum gap_section)s;
    return GAP_REASONED;
}

/* In the reasoned part a group's comment is its reason; in a generated section the
 * section's header line is every entry's reason, and comments only guide the reader. */
void gaps_read(struct gap_list *list, const char *path)
{
    char line[512], reason[4096] = "";
    const char *group = NULL;
    enum gap_section section = GAP_REASONED;
    FILE *f = path ? fopen(path, "r") : NULL;

    memset(list, 0, sizeof *list);
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0] == '[') {
            section = section_of(line);
            group = keep_reason(list, line);
        } else if (section == GAP_REASONED && (!line[0] || (line[0] == '#' && group))) {
            reason[0] = 0; /* a blank line, or the comment of the next group */
            group = NULL;
        }
        if (section == GAP_REASONED && line[0] == '#') {
            size_t n = strlen(reason);
            snprintf(reason + n, sizeof reason - n, "%s%s", n ? " " : "",
                     line + 1 + (line[1] == ' '));
        } else if (line[0] && line[0] != '#' && line[0] != '[') {
            if (!group)
                group = keep_reason(list, reason);
            add_gap(list, line, group, section);
        }
    }
    if (f)
        fclose(f);
}

void gaps_free(struct gap_list *list)
{
    for (unsigned i = 0; i < list->count; i++)
        free(list->gaps[i].pattern);
    for (unsigned i = 0; i < list->reason_count; i++)
        free(list->reasons[i]);
    free(list->gaps);
    free(list->reasons);
    memset(list, 0, sizeof *list);
}

static bool matches(const char *pattern, const char *key)
{
    size_t n = strlen(pattern);

    if (n >= 2 && !strcmp(pattern + n - 2, " *"))
        return !strncmp(pattern, key, n - 1);
    return !strcmp(pattern, key);
}

struct gap *gaps_find(struct gap_list *list, const char *key)
{
    for (unsigned i = 0; i < list->count; i++)
        if (matches(list->gaps[i].pattern, key))
            return &list->gaps[i];
    return NULL;
}

void gap_lines_add(struct gap_lines *lines, const char *text)
{
    if (lines->count == lines->capacity)
        lines->line = grow(lines->line, &lines->capacity, sizeof *lines->line);
    lines->line[lines->count++] = strdup(text);
}

void gap_lines_free(struct gap_lines *lines)
{
    for (unsigned i = 0; i < lines->count; i++)
        free(lines->line[i]);
    free(lines->line);
    memset(lines, 0, sizeof *lines);
}

/* The hand-written part: every line before the first section header. */
static char *reasoned_part(const char *path)
{
    char line[512];
    size_t size = 0;
    char *text = NULL;
    FILE *in = fopen(path, "r"), *out = open_memstream(&text, &size);

    while (in && out && fgets(line, sizeof line, in) && line[0] != '[')
        fputs(line, out);
    if (in)
        fclose(in);
    if (out)
        fclose(out);
    return text;
}

static void write_section(FILE *f, const char *header, const char *about,
                          const struct gap_lines *lines)
{
    fprintf(f, "%s %s\n", header, about);
    for (unsigned i = 0; i < lines->count; i++)
        fprintf(f, "%s\n", lines->line[i]);
    fprintf(f, "\n");
}

bool gaps_rewrite(const char *path, const struct gap_lines *pending,
                  const struct gap_lines *unmeasured, const char *host)
{
    char *kept = reasoned_part(path), about[512];
    FILE *f = kept ? fopen(path, "w") : NULL;

    if (!f) {
        free(kept);
        return false;
    }
    fputs(kept, f);
    write_section(f, section_headers[GAP_PENDING],
                  "issue 13: vector forms whvemu does not emulate yet, work in progress rather "
                  "than\n# reasoned gaps. Generated by `make coverage-gaps` (do not edit by "
                  "hand): a line\n# ending in \" *\" stands for every form of that mnemonic "
                  "and encoding.",
                  pending);
    snprintf(about, sizeof about,
             "forms the host that wrote this list (%s) lacks\n# a CPU feature for, and "
             "whvemu has no row for (the forms with a row, AVX512-FP16 and\n# the others, run "
             "where the feature is and are not listed). A host with the feature\n# reports "
             "them, unchecked, until the list is generated there.",
             host);
    write_section(f, section_headers[GAP_UNMEASURED], about, unmeasured);
    free(kept);
    return fclose(f) == 0;
}
