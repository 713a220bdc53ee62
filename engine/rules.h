/*
 * rules.h: the policy's rule table and its defeat graph (rules.c).
 */
#ifndef GAVEL_RULES_H
#define GAVEL_RULES_H

#include "gavel.h"

/* Runs the rule files in a throwaway sandbox and fills p->rules and
 * p->topo (every defeater before what it defeats); what is wrong becomes a
 * diagnostic of p. */
void gvrule_load(gavel_policy *p);
/* Frees what gvrule_load made. */
void gvrule_free(gavel_policy *p);

#endif
