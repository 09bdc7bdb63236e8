/* Runs a fuzz target over files and directories of inputs once, without libFuzzer: how
 * the committed corpus is replayed in every test run when the compiler is not clang. */
#define _POSIX_C_SOURCE 200809L /* stat, opendir */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs larger than this are not fuzz inputs (libFuzzer's default -max_len is 4096). */
#define MAX_INPUT (1u << 20)

static int replay_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        perror(path);
        return -1;
    }
    uint8_t *data = malloc(MAX_INPUT);
    size_t size = data ? fread(data, 1, MAX_INPUT, file) : 0;
    int failed = !data || ferror(file);
    fclose(file);
    if (failed) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(data);
        return -1;
    }
    /* Named first, so that a crash report says which input it was. */
    fprintf(stderr, "%s\n", path);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 1;
}

/* Returns the number of inputs run, or -1 on an unreadable path. */
static int replay_path(const char *path)
{
    struct stat info;
    if (stat(path, &info) != 0) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(info.st_mode))
        return replay_file(path);

    DIR *dir = opendir(path);
    if (!dir) {
        perror(path);
        return -1;
    }
    int count = 0;
    for (struct dirent *entry; (entry = readdir(dir)) != NULL;) {
        if (entry->d_name[0] == '.')
            continue;
        size_t length = strlen(path) + strlen(entry->d_name) + 2;
        char *child = malloc(length);
        if (!child) {
            count = -1;
            break;
        }
        snprintf(child, length, "%s/%s", path, entry->d_name);
        int n = replay_path(child);
        free(child);
        if (n < 0) {
            count = -1;
            break;
        }
        count += n;
    }
    closedir(dir);
    return count;
}

int main(int argc, char **argv)
{
    int total = 0;
    for (int i = 1; i < argc; i++) {
        int n = replay_path(argv[i]);
        if (n < 0)
            return 1;
        total += n;
    }
    printf("replayed %d inputs\n", total);
    return total > 0 ? 0 : 1; /* an empty corpus means the test is miswired */
}
