/*
 * eval.h: what the test suite and the lints need of the evaluator (eval.c)
 * beyond the public API.
 */
#ifndef GAVEL_EVAL_H
#define GAVEL_EVAL_H

#include "gavel.h"
#include "value.h"

/* Sets a context already parsed (the test suite's); -1, with the
 * evaluator's error set, when its as_of is not a date. */
int gvev_set_context_tree(gavel_evaluator *ev, const gv_value *ctx, const char *name);
/* Calls fn(ud, path, rule) for every record field a rule reads, the path
 * with array positions as "[]" ("posts[].labels"). NULL turns it off. */
void gvev_set_trace(gavel_evaluator *ev, void (*fn)(void *ud, const char *path, int rule),
                    void *ud);

#endif
