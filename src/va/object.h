/* A small, thread-safe table of driver objects (configs, contexts,
 * surfaces, buffers, images) handing out 32-bit VA ids.
 *
 * An id packs a type tag (4 bits), a generation (12 bits) and a slot index
 * (16 bits). Removing an object bumps its slot's generation, so an id that
 * was destroyed is refused even after its slot is reused, and an id of one
 * type is never taken for another type. */
#ifndef VA_OBJECT_H
#define VA_OBJECT_H

#include <pthread.h>
#include <stdint.h>

#define VA_OBJECT_MAX 65535u

struct va_heap_slot {
	void *obj;
	uint16_t gen;
};

struct va_heap {
	pthread_mutex_t lock;
	uint32_t tag;		/* 1..15 */
	struct va_heap_slot *slots;
	unsigned n_slots;	/* slots ever used */
	unsigned cap;
	unsigned cursor;	/* where the search for a free slot starts */
	unsigned count;		/* live objects */
};

void va_heap_init(struct va_heap *h, unsigned tag);
/* Frees the table (not the objects: take them out first). */
void va_heap_fini(struct va_heap *h);
/* Returns the new id, or 0xffffffff (VA_INVALID_ID) when full or out of
 * memory. obj must not be NULL. */
uint32_t va_heap_add(struct va_heap *h, void *obj);
/* The object of a live id, or NULL (unknown, stale, other type). */
void *va_heap_get(struct va_heap *h, uint32_t id);
/* Takes the object out; its id turns stale. Returns it, or NULL. */
void *va_heap_remove(struct va_heap *h, uint32_t id);
/* Iterates over live objects: start with *cursor = 0; returns NULL at the
 * end. The caller keeps the set stable (the driver lock). */
void *va_heap_next(struct va_heap *h, unsigned *cursor, uint32_t *id);
unsigned va_heap_count(struct va_heap *h);

#endif
