/* The record format shared by abi_layout.c (which fills it, under each compiler and
 * header set) and abi_compare.c (which reads the images back).
 *
 * The image is the section ABI_SECTION of an object file: ABI_MAGIC, then one 64-byte
 * record per fact in abi_checks.def order. A record holds either a value (little-endian
 * uint64 in its first bytes) or, for a bit-field, an object of the bit-field's type with
 * only that bit-field set to all ones. Every record being 64 bytes, and every type's
 * alignment dividing 64, the image has no padding whatever the compiler. */
#ifndef WHVEMU_ABI_RECORD_H
#define WHVEMU_ABI_RECORD_H

#define ABI_SECTION ".whvabi"
#define ABI_MAGIC "whvemu-abi-v1\n"
#define ABI_MAGIC_SIZE 16
#define ABI_RECORD_SIZE 64

#endif
