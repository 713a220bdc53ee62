/*
 * serve_policy.c: the policies `gavel serve` decides with. Each slot (the
 * main policy, the shadow) points at a generation: a loaded policy with a
 * reference count. A reload loads and checks the new policy beside the
 * old, then swaps the pointer under a lock; requests in flight keep the
 * generation they took, and the last one out frees it.
 *
 * Evaluators hold a Lua state and are never shared: each thread of the
 * daemon's pool keeps one per slot, made the first time it decides under
 * a generation and remade when it meets a newer one (a thread-specific
 * key frees them when the thread exits).
 *
 * Calls gavel.h and cli.h (cli_evaluator).
 */
#include "serve.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The error diagnostics as "file:line:col: error: message" lines. */
static char *diagnostics(const gavel_policy *p)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    size_t n = gavel_policy_ndiags(p), errors = 0;
    for (size_t i = 0; i < n; i++) {
        const gavel_diag *d = gavel_policy_diag(p, i);
        if (d->severity != GAVEL_ERROR)
            continue;
        errors++;
        if (d->line)
            fprintf(f, "%s:%u:%u: error: %s\n", d->file, d->line, d->col ? d->col : 1, d->message);
        else
            fprintf(f, "%s: error: %s\n", d->file, d->message);
    }
    if (!errors)
        fprintf(f, "%s\n", gavel_policy_errmsg(p));
    fclose(f);
    return text;
}

serve_gen *serve_gen_load(const char *dir, const gavel_limits *limits, char **diags)
{
    *diags = NULL;
    gavel_policy *p = gavel_policy_load(dir, limits);
    if (!p) {
        *diags = cli_strdup("out of memory loading the policy\n");
        return NULL;
    }
    if (gavel_policy_status(p) != GAVEL_OK) {
        *diags = diagnostics(p);
        gavel_policy_free(p);
        return NULL;
    }
    serve_gen *g = calloc(1, sizeof *g);
    if (!g) {
        gavel_policy_free(p);
        *diags = cli_strdup("out of memory loading the policy\n");
        return NULL;
    }
    g->policy = p;
    atomic_init(&g->refs, 1);
    serve_now(g->loaded_at, sizeof g->loaded_at);
    return g;
}

serve_gen *serve_gen_acquire(server *s, int slot)
{
    pthread_mutex_lock(&s->gen_lock);
    serve_gen *g = s->slot[slot];
    if (g)
        atomic_fetch_add(&g->refs, 1);
    pthread_mutex_unlock(&s->gen_lock);
    return g;
}

void serve_gen_release(serve_gen *g)
{
    if (g && atomic_fetch_sub(&g->refs, 1) == 1) {
        gavel_policy_free(g->policy);
        free(g);
    }
}

int serve_reload(server *s, char **diags)
{
    pthread_mutex_lock(&s->reload_lock);
    serve_gen *g = serve_gen_load(s->o.policy, &s->o.limits, diags);
    atomic_fetch_add(&s->m.reloads, 1);
    if (!g) {
        atomic_fetch_add(&s->m.reload_failures, 1);
        pthread_mutex_unlock(&s->reload_lock);
        return -1;
    }
    pthread_mutex_lock(&s->gen_lock);
    serve_gen *old = s->slot[SLOT_MAIN];
    g->number = old ? old->number + 1 : 1;
    s->slot[SLOT_MAIN] = g;
    pthread_mutex_unlock(&s->gen_lock);
    serve_gen_release(old);
    pthread_mutex_unlock(&s->reload_lock);
    return 0;
}

/* ---- each thread's evaluators --------------------------------------------------- */

typedef struct thread_state {
    serve_gen    *gen[NSLOTS];
    serve_decider dec[NSLOTS];
    gavel_record *rec;
} thread_state;

static pthread_key_t state_key;

static void state_free(void *arg)
{
    thread_state *t = arg;
    for (int i = 0; i < NSLOTS; i++) {
        gavel_evaluator_free(t->dec[i].ev);    /* before the policy it holds */
        gavel_decision_free(t->dec[i].d);
        serve_gen_release(t->gen[i]);
    }
    gavel_record_free(t->rec);
    free(t);
}

int serve_threads_init(server *s)
{
    (void)s;
    return pthread_key_create(&state_key, state_free) == 0 ? 0 : -1;
}

static thread_state *state(void)
{
    thread_state *t = pthread_getspecific(state_key);
    if (!t && (t = calloc(1, sizeof *t)) != NULL) {
        t->rec = gavel_record_new();
        pthread_setspecific(state_key, t);
    }
    return t && t->rec ? t : NULL;
}

gavel_record *serve_thread_record(void)
{
    thread_state *t = state();
    return t ? t->rec : NULL;
}

serve_decider *serve_decider_for(server *s, serve_gen *g, int slot)
{
    thread_state *t = state();
    if (!t)
        return NULL;
    if (t->gen[slot] == g && t->dec[slot].ev)
        return &t->dec[slot];
    gavel_evaluator_free(t->dec[slot].ev);
    t->dec[slot].ev = NULL;
    serve_gen_release(t->gen[slot]);
    atomic_fetch_add(&g->refs, 1);
    t->gen[slot] = g;
    if (!t->dec[slot].d && !(t->dec[slot].d = gavel_decision_new()))
        return NULL;
    t->dec[slot].ev = cli_evaluator(g->policy, s->o.context, s->o.as_of, NULL, s->o.id_field);
    return t->dec[slot].ev ? &t->dec[slot] : NULL;
}

void serve_thread_done(void)
{
    thread_state *t = pthread_getspecific(state_key);
    if (t) {
        pthread_setspecific(state_key, NULL);
        state_free(t);
    }
}
