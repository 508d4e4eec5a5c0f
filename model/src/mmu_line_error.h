#ifndef MMU_LINE_ERROR_H
#define MMU_LINE_ERROR_H

/* Errors of the line-by-line text readers of the model (the memory image, the OSTEP dump): "FILE:LINE: what". */
#include <stddef.h>

typedef struct mmu_line_where {
	const char *name;   /* the file as shown in messages */
	unsigned long line; /* the line being read */
	char *msg;          /* the caller's message buffer */
	size_t msglen;
} mmu_line_where_t;

/* Writes "NAME:LINE: " and the formatted text into w->msg; returns MMU_EFORMAT. */
int mmu_line_error(const mmu_line_where_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
