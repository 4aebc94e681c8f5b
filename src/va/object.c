/* Object table with generation-checked ids (see object.h). */
#include <stdlib.h>

#include "va/object.h"

#define TAG_SHIFT 28
#define GEN_SHIFT 16
#define GEN_MASK 0xfffu
#define INDEX_MASK 0xffffu
#define INVALID_ID 0xffffffffu

void va_heap_init(struct va_heap *h, unsigned tag)
{
	pthread_mutex_init(&h->lock, NULL);
	h->tag = tag & 0xfu;
	h->slots = NULL;
	h->n_slots = h->cap = h->cursor = h->count = 0;
}

void va_heap_fini(struct va_heap *h)
{
	free(h->slots);
	h->slots = NULL;
	h->n_slots = h->cap = h->count = 0;
	pthread_mutex_destroy(&h->lock);
}

static uint32_t make_id(const struct va_heap *h, unsigned index)
{
	return (h->tag << TAG_SHIFT) |
	       ((uint32_t)(h->slots[index].gen & GEN_MASK) << GEN_SHIFT) |
	       (uint32_t)index;
}

uint32_t va_heap_add(struct va_heap *h, void *obj)
{
	uint32_t id = INVALID_ID;
	unsigned index;

	if (!obj)
		return INVALID_ID;
	pthread_mutex_lock(&h->lock);
	/* Reuse freed slots round-robin, so that a stale id meets the same
	 * slot again as late as possible. */
	for (unsigned k = 0; k < h->n_slots; k++) {
		index = (h->cursor + k) % h->n_slots;
		if (!h->slots[index].obj)
			goto found;
	}
	if (h->n_slots >= VA_OBJECT_MAX)
		goto out;
	if (h->n_slots == h->cap) {
		unsigned cap = h->cap ? h->cap * 2 : 64;
		if (cap > VA_OBJECT_MAX)
			cap = VA_OBJECT_MAX;
		struct va_heap_slot *s = realloc(h->slots, cap * sizeof(*s));
		if (!s)
			goto out;
		h->slots = s;
		h->cap = cap;
	}
	index = h->n_slots++;
	h->slots[index].gen = 1;
found:
	h->slots[index].obj = obj;
	h->cursor = (index + 1) % (h->n_slots ? h->n_slots : 1);
	h->count++;
	id = make_id(h, index);
out:
	pthread_mutex_unlock(&h->lock);
	return id;
}

static int slot_of(const struct va_heap *h, uint32_t id)
{
	unsigned index = id & INDEX_MASK;

	if (id == INVALID_ID || id >> TAG_SHIFT != h->tag ||
	    index >= h->n_slots || !h->slots[index].obj ||
	    ((id >> GEN_SHIFT) & GEN_MASK) != (h->slots[index].gen & GEN_MASK))
		return -1;
	return (int)index;
}

void *va_heap_get(struct va_heap *h, uint32_t id)
{
	void *obj = NULL;

	pthread_mutex_lock(&h->lock);
	int index = slot_of(h, id);
	if (index >= 0)
		obj = h->slots[index].obj;
	pthread_mutex_unlock(&h->lock);
	return obj;
}

void *va_heap_remove(struct va_heap *h, uint32_t id)
{
	void *obj = NULL;

	pthread_mutex_lock(&h->lock);
	int index = slot_of(h, id);
	if (index >= 0) {
		obj = h->slots[index].obj;
		h->slots[index].obj = NULL;
		/* Generation 0 is never handed out, so an id made of zeros
		 * past the tag is always refused. */
		h->slots[index].gen = (uint16_t)((h->slots[index].gen + 1) & GEN_MASK);
		if (!h->slots[index].gen)
			h->slots[index].gen = 1;
		h->count--;
	}
	pthread_mutex_unlock(&h->lock);
	return obj;
}

void *va_heap_next(struct va_heap *h, unsigned *cursor, uint32_t *id)
{
	void *obj = NULL;

	pthread_mutex_lock(&h->lock);
	while (*cursor < h->n_slots) {
		unsigned index = (*cursor)++;
		if (h->slots[index].obj) {
			obj = h->slots[index].obj;
			if (id)
				*id = make_id(h, index);
			break;
		}
	}
	pthread_mutex_unlock(&h->lock);
	return obj;
}

unsigned va_heap_count(struct va_heap *h)
{
	pthread_mutex_lock(&h->lock);
	unsigned n = h->count;
	pthread_mutex_unlock(&h->lock);
	return n;
}
