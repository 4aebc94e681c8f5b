/* A picture for the reference managers' unit tests that counts who holds
 * it (the managers' hold and release callbacks), so that a picture held
 * too long or released twice shows. */
#ifndef HELD_PIC_H
#define HELD_PIC_H

#include <check.h>

struct held_pic {
	const char *name;
	int holds;
};

static inline void held_pic_hold(void *user, void *pic)
{
	(void)user;
	((struct held_pic *)pic)->holds++;
}

static inline void held_pic_release(void *user, void *pic)
{
	struct held_pic *p = pic;

	(void)user;
	ck_assert_msg(p->holds > 0, "%s released more than held", p->name);
	p->holds--;
}

#endif
