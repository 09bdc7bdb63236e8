/* tests/coverage/known_gaps.txt: the forms whvemu does not emulate, in three sections.
 *
 * First the reasoned gaps, written by hand: groups of forms, each under the comment that
 * gives the group's reason; a blank line ends a group. Then two sections form_coverage
 * --write-gaps generates (everything from the first line starting with '[' on):
 *   [pending]     forms not emulated yet that a future change should emulate (issue 13);
 *   [unmeasured]  forms the host that wrote the list could not run for lack of a CPU
 *                 feature and whvemu has no row for (a form with a row runs where the
 *                 feature is: form_coverage classes it "row written" and lists it not).
 * A line is a form as form_key() names it; a line ending in " *" stands for every form
 * that starts with the text before the '*' ("{evex} vaddps *"). */
#ifndef COVERAGE_GAP_LIST_H
#define COVERAGE_GAP_LIST_H

#include <stdbool.h>
#include <stdio.h>

enum gap_section { GAP_REASONED, GAP_PENDING, GAP_UNMEASURED, GAP_SECTION_COUNT };

struct gap {
    char *pattern;
    const char *reason; /* the group's comment, or the section's header */
    enum gap_section section;
    bool seen; /* matched a form of the walk */
};

struct gap_list {
    struct gap *gaps;
    unsigned count, capacity;
    char **reasons;
    unsigned reason_count;
};

/* Reads the list; a missing file is an empty list. */
void gaps_read(struct gap_list *list, const char *path);
void gaps_free(struct gap_list *list);

/* The first entry that names the form, or NULL. */
struct gap *gaps_find(struct gap_list *list, const char *key);

/* The generated sections' lines, to be written by gaps_rewrite. */
struct gap_lines {
    char **line;
    unsigned count, capacity;
};
void gap_lines_add(struct gap_lines *lines, const char *text);
void gap_lines_free(struct gap_lines *lines);

/* Rewrites the file: the reasoned part as it is, then the two sections with these lines
 * (a line starting with '#' is a comment for the reader). `host` names the machine. */
bool gaps_rewrite(const char *path, const struct gap_lines *pending,
                  const struct gap_lines *unmeasured, const char *host);

#endif
