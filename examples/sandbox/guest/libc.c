/* The two library functions the compiler calls on its own (for large clears and copies),
 * as a C library for CPUs with fast short REP strings implements them. */
#include <stddef.h>

void *memset(void *dst, int value, size_t size);
void *memcpy(void *dst, const void *src, size_t size);

void *memset(void *dst, int value, size_t size)
{
    void *d = dst;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(size) : "a"(value) : "memory");
    return dst;
}

void *memcpy(void *dst, const void *src, size_t size)
{
    void *d = dst;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(size) : : "memory");
    return dst;
}
