/*
 * testsuite.h: what the lints need of a test suite (testsuite.c).
 */
#ifndef GAVEL_TESTSUITE_H
#define GAVEL_TESTSUITE_H

#include "gavel.h"

/* The evaluator the suite ran its cases on. */
gavel_evaluator *gvts_evaluator(gavel_testsuite *t);

#endif
