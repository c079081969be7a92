/*
 * mailguard - header field scanner and recipient counter.
 *
 * scanner.c is generated from this file and committed beside it. From the
 * repository root regenerate it with exactly:
 *
 *   re2c -W -Werror --no-generation-date --no-version -o ext/mailguard/scanner.c ext/mailguard/scanner.re
 *
 * Pure C99 (stddef/stdint/string.h only), no allocation, no recursion that
 * depends on the input, linear time. Buffers are pointer + length and are
 * never read outside [ptr, ptr + len): every re2c block uses the generic
 * API with a bounds-checked YYPEEK that yields the sentinel 0 at the limit,
 * and re2c:eof makes a 0 byte inside the buffer ordinary data.
 *
 * Header fields: one re2c rule matches any field name (scanner.h has the
 * charset) and a small table classifies it, case-insensitively. One walk
 * over a block (mg_walk()) hands each field to a callback and to the
 * summary, so that mg_scan_headers() gives both at once.
 *
 * How the MTA counts (Postfix 3.7, `sendmail -t -i`)
 * --------------------------------------------------
 * Postfix tokenizes an address list left to right: whitespace (SP HT CR
 * LF) separates; "..." and [...] are words with backslash escapes; (...)
 * are comments that nest and are ignored; \ escapes the next byte inside
 * an atom; | % ! ) < > @ , ; : . ] are single-byte operators; anything else
 * is atom text (8-bit bytes too; so are NUL bytes here, which Postfix never
 * sees inside a value). An unterminated quote, literal or comment swallows
 * the rest of the value.
 *
 * It then groups tokens into addresses from RIGHT to LEFT, with a cursor
 * "right" that marks where the address being collected ends:
 *   ','       ends the address collected so far.
 *   ';'       ends it too and remembers that a group is open (for good).
 *   ':'       if a ';' was seen: ends the address, and everything back to
 *             the previous ',' is the group's display name (no address);
 *             otherwise ':' is an operator inside an address.
 *   '>'       ends the address collected so far; everything back to the
 *             nearest '<' (commas, colons and '>' included) is ONE
 *             address; then everything back to the previous '>' ';' ',' or
 *             ':' is the display name (no address). With no '<' at all,
 *             everything before the '>' is one address.
 *   word      directly left of another word (only comments between): the
 *             missing comma is inserted, so the words are two addresses.
 *   other     '@' '.' '<' and the rest join their neighbours.
 * Every non-empty run of tokens so grouped is queued as one recipient.
 * The value it parses starts just past strlen(canonical name) + 1, so for a
 * field written "Bcc : x" it reads ": x" (and a lone ':' is a recipient).
 *
 * This file counts the same thing in one left-to-right pass without storing
 * tokens: the right-to-left grouper is a finite automaton (15 states below),
 * so for each state s we keep f[s] = the number of addresses it would
 * produce if it entered the tokens read so far (walking leftwards) in state
 * s. Reading one more token t updates f[s] = emit(s, t) + f[next(s, t)],
 * and the answer is f[start] at the end. On well-formed input this equals
 * the number of addresses tok822_parse_limit() of Debian's postfix 3.7.11
 * returns (checked by differential fuzzing against that library).
 *
 * Duplicates (one address queued once) are removed afterwards, only where
 * the comparison is certain: see "duplicates" below.
 *
 * Never fewer: where the input is malformed, f is a max over readings.
 * A stray ')' or ']', a '>' with no open '<', or a '<' that is never
 * closed (where the grouper takes it as an operator) may also be read as
 * absent. Well-formed input has exactly one reading. An unterminated quote,
 * literal or comment is read both as Postfix does (it swallows the rest:
 * a candidate total is taken right there) and as ordinary atom text, after
 * which scanning goes on. A later construct of the same kind is then taken
 * as unterminated too without searching for its end again, which keeps the
 * whole pass linear (the search from the first one already showed there is
 * no closing quote or bracket after it; for comments it is a safe guess).
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scanner.h"

typedef unsigned char mg_uc;

/*!re2c
	re2c:api = custom;
	re2c:api:style = free-form;
	re2c:define:YYCTYPE = mg_uc;
	re2c:define:YYPEEK = "(cur < lim ? *cur : 0)";
	re2c:define:YYSKIP = "++cur;";
	re2c:define:YYBACKUP = "mrk = cur;";
	re2c:define:YYRESTORE = "cur = mrk;";
	re2c:define:YYLESSTHAN = "(lim - cur) < @@{len}";
	re2c:yyfill:enable = 0;
	re2c:eof = 0;

	wsp    = [ \t];
	lwsp   = [ \t\r\n];
	atomch = [^ \t\r\n|%!()<>@,;:\\".[\]];
	textch = atomch | [("[];
	hname  = [\x21-\x39\x3b-\x7e]+;
*/

/* ---- tokens and the grouper model ---- */

enum {
	MG_T_WORD = 0,	/* atom, quoted string, domain literal */
	MG_T_COMMA,
	MG_T_SEMI,
	MG_T_COLON,
	MG_T_LT,
	MG_T_GT,
	MG_T_JOIN,	/* @ . % ! | and stray ) ] */
	MG_T_COUNT
};

/*
 * States of the right-to-left grouper:
 *   0..7   N: normal; bits MG_N_WORD (a word here is not a new address),
 *          MG_N_GROUP (a ';' lies to the right), MG_N_PEND (the address
 *          being collected is not empty)
 *   8..11  A: inside <...> looking for '<'; bit 1 group, bit 2 not empty
 *   12,13  P: skipping a display name before '<'; +1 group
 *   14     G: skipping a group's display name back to ','
 */
#define MG_N_WORD	1
#define MG_N_GROUP	2
#define MG_N_PEND	4
#define MG_S_A		8
#define MG_S_P		12
#define MG_S_G		14
#define MG_NS		15
#define MG_S_START	MG_N_WORD

/* Alternative readings of one token (see the top of the file). */
#define MG_ALT_NONE	0
#define MG_ALT_SKIP	1	/* the token may also be read as absent */

static int mg_step(int s, int t, size_t *emit)
{
	if (s < MG_S_A) {
		int g = s & MG_N_GROUP;
		size_t pend = (s & MG_N_PEND) ? 1 : 0;

		switch (t) {
			case MG_T_SEMI:
				*emit += pend;
				return MG_N_WORD | MG_N_GROUP;
			case MG_T_COLON:
				if (g) {
					*emit += pend;
					return MG_S_G;
				}
				return MG_N_WORD | g | MG_N_PEND;
			case MG_T_GT:
				*emit += pend;
				return MG_S_A + (g ? 1 : 0);
			case MG_T_COMMA:
				*emit += pend;
				return MG_N_WORD | g;
			case MG_T_WORD:
				/* word after word: the missing comma goes here */
				if (!(s & MG_N_WORD)) {
					*emit += pend;
				}
				return g | MG_N_PEND;
			default:
				return MG_N_WORD | g | MG_N_PEND;
		}
	}
	if (s < MG_S_P) {
		int g = (s - MG_S_A) & 1;

		if (t == MG_T_LT) {
			*emit += ((s - MG_S_A) & 2) ? 1 : 0;
			return MG_S_P + g;
		}
		return MG_S_A + g + 2;
	}
	if (s < MG_S_G) {
		int g = s == MG_S_P + 1 ? MG_N_GROUP : 0;

		/* the display name ends at > ; , : which is then read normally,
		 * except that it marks the end of the next address: a ':' that
		 * is not a group's does not become part of it */
		if (t == MG_T_COLON && !g) {
			return MG_N_WORD;
		}
		if (t == MG_T_GT || t == MG_T_SEMI || t == MG_T_COMMA || t == MG_T_COLON) {
			return mg_step(MG_N_WORD | g, t, emit);
		}
		return s;
	}
	if (t == MG_T_COMMA) {
		return mg_step(MG_N_WORD | MG_N_GROUP, t, emit);
	}
	return s;
}

/* What the grouper still emits when it reaches the start of the value. */
static size_t mg_end_emit(int s)
{
	if (s < MG_S_A) {
		return (s & MG_N_PEND) ? 1 : 0;
	}
	if (s < MG_S_P) {
		return ((s - MG_S_A) & 2) ? 1 : 0;
	}
	return 0;
}

typedef struct {
	size_t f[MG_NS];
	size_t alt[MG_NS];	/* f if the open '<' turns out unclosed and absent */
	int pending;		/* alt is live: a '<' is open */
	size_t best;		/* best total among readings that ended early */
	mg_uc next[MG_T_COUNT][MG_NS];
	mg_uc emit[MG_T_COUNT][MG_NS];
} mg_dp;

static void mg_dp_init(mg_dp *dp)
{
	int s, t;

	for (t = 0; t < MG_T_COUNT; t++) {
		for (s = 0; s < MG_NS; s++) {
			size_t e = 0;

			dp->next[t][s] = (mg_uc) mg_step(s, t, &e);
			dp->emit[t][s] = (mg_uc) e;
		}
	}
	for (s = 0; s < MG_NS; s++) {
		dp->f[s] = mg_end_emit(s);
	}
	dp->pending = 0;
	dp->best = 0;
}

static void mg_dp_apply(const mg_dp *dp, size_t *f, int t, int alt)
{
	size_t nf[MG_NS];
	int s;

	for (s = 0; s < MG_NS; s++) {
		size_t v = dp->emit[t][s] + f[dp->next[t][s]];

		if (alt == MG_ALT_SKIP && f[s] > v) {
			v = f[s];
		}
		nf[s] = v;
	}
	memcpy(f, nf, sizeof(nf));
}

static void mg_dp_feed(mg_dp *dp, int t, int alt)
{
	mg_dp_apply(dp, dp->f, t, alt);
	if (dp->pending) {
		mg_dp_apply(dp, dp->alt, t, alt);
	}
}

/* The open '<' is known to stay unclosed: it may also be read as absent
 * (the grouper treats it as an operator only where it is in N). Max-plus
 * updates commute with taking the max, so merging late is exact. */
static void mg_dp_settle(mg_dp *dp)
{
	int s;

	if (!dp->pending) {
		return;
	}
	for (s = 0; s < MG_NS; s++) {
		if (dp->alt[s] > dp->f[s]) {
			dp->f[s] = dp->alt[s];
		}
	}
	dp->pending = 0;
}

static void mg_dp_open_angle(mg_dp *dp)
{
	size_t before[MG_NS];
	int s;

	mg_dp_settle(dp);
	memcpy(before, dp->f, sizeof(before));
	mg_dp_apply(dp, dp->f, MG_T_LT, MG_ALT_NONE);
	for (s = 0; s < MG_NS; s++) {
		dp->alt[s] = s < MG_S_A ? before[s] : dp->f[s];
	}
	dp->pending = 1;
}

/* Candidate total if the value ended here, after one more word or not. */
static void mg_dp_cand(mg_dp *dp, int with_word)
{
	const size_t *f = dp->f;
	int i;

	for (i = 0; i <= dp->pending; i++) {
		size_t v = f[MG_S_START];

		if (with_word) {
			v = dp->emit[MG_T_WORD][MG_S_START] + f[dp->next[MG_T_WORD][MG_S_START]];
		}
		if (v > dp->best) {
			dp->best = v;
		}
		f = dp->alt;
	}
}

/* ---- lexer helpers ---- */

/* Skip the rest of a quoted string; 1 if closed, 0 if it runs to the end. */
static int mg_skip_quoted(const mg_uc **pcur, const mg_uc *lim)
{
	const mg_uc *cur = *pcur;

	for (;;) {
	/*!re2c
		$        { *pcur = cur; return 0; }
		[^"\\]+  { continue; }
		"\\" [^] { continue; }
		"\\"     { continue; }
		["]      { *pcur = cur; return 1; }
	*/
	}
}

/* Skip the rest of a domain literal; 1 if closed, 0 if it runs to the end. */
static int mg_skip_literal(const mg_uc **pcur, const mg_uc *lim)
{
	const mg_uc *cur = *pcur;

	for (;;) {
	/*!re2c
		$        { *pcur = cur; return 0; }
		[^\]\\]+ { continue; }
		"\\" [^] { continue; }
		"\\"     { continue; }
		"]"      { *pcur = cur; return 1; }
	*/
	}
}

/* Skip the rest of a comment, counting nesting with a number rather than
 * recursion; 1 if closed, 0 if it runs to the end. */
static int mg_skip_comment(const mg_uc **pcur, const mg_uc *lim)
{
	const mg_uc *cur = *pcur;
	size_t depth = 1;

	for (;;) {
	/*!re2c
		$         { *pcur = cur; return 0; }
		[^()\\]+  { continue; }
		"\\" [^]  { continue; }
		"\\"      { continue; }
		"("       { depth++; continue; }
		")"       {
			if (--depth == 0) {
				*pcur = cur;
				return 1;
			}
			continue;
		}
	*/
	}
}

/* An unterminated opener read as text: it and the atom text after it
 * (openers included, so "((((" stays one word) form one word. */
static const mg_uc *mg_text(const mg_uc *cur, const mg_uc *lim)
{
	const mg_uc *tok, *mrk;

	for (;;) {
		tok = cur;
	/*!re2c
		$                    { return cur; }
		(textch | "\\" [^])+ { continue; }
		"\\"                 { continue; }
		*                    { return tok; }
	*/
	}
}

/* The tokens of an address list, as Postfix's tokenizer makes them. */
enum {
	MG_L_END = 0,
	MG_L_COMMENT,	/* "(": the caller skips the rest */
	MG_L_QUOTE,	/* '"': the same */
	MG_L_LITERAL,	/* "[": the same */
	MG_L_LT,
	MG_L_GT,
	MG_L_COMMA,
	MG_L_SEMI,
	MG_L_COLON,
	MG_L_AT,
	MG_L_DOT,
	MG_L_OP,	/* % ! | */
	MG_L_STRAY,	/* a ")" or "]" with nothing open */
	MG_L_ATOM	/* atom text, backslash escapes and a final lone backslash included */
};

/* The next token from *pcur, blanks (SP HT CR LF) skipped: *ptok is where
 * it starts, *pcur just past it (past the opener of a comment, quoted
 * string or literal). */
static int mg_lex(const mg_uc **pcur, const mg_uc *lim, const mg_uc **ptok)
{
	const mg_uc *cur = *pcur;

	for (;;) {
		*ptok = cur;
	/*!re2c
		$       { *pcur = cur; return MG_L_END; }
		lwsp+   { continue; }
		"("     { *pcur = cur; return MG_L_COMMENT; }
		["]     { *pcur = cur; return MG_L_QUOTE; }
		"["     { *pcur = cur; return MG_L_LITERAL; }
		"<"     { *pcur = cur; return MG_L_LT; }
		">"     { *pcur = cur; return MG_L_GT; }
		","     { *pcur = cur; return MG_L_COMMA; }
		";"     { *pcur = cur; return MG_L_SEMI; }
		":"     { *pcur = cur; return MG_L_COLON; }
		"@"     { *pcur = cur; return MG_L_AT; }
		"."     { *pcur = cur; return MG_L_DOT; }
		[%!|]   { *pcur = cur; return MG_L_OP; }
		[)\]]   { *pcur = cur; return MG_L_STRAY; }
		(atomch | "\\" [^])+ { *pcur = cur; return MG_L_ATOM; }
		/* a backslash as the very last byte still ends an atom */
		(atomch | "\\" [^])* "\\" { *pcur = cur; return MG_L_ATOM; }
	*/
	}
}

/* ---- address lists ---- */

/* lead_colon: the value is read with a ':' in front, as Postfix does for a
 * field written with blanks before its colon (see mg_sum_field()). */
static size_t mg_count(const char *value, size_t len, int lead_colon, int *malformed)
{
	const mg_uc *cur, *lim, *tok;
	mg_dp dp;
	int bad = 0, angle = 0, t;
	int open_quote = 0, open_literal = 0, open_comment = 0, *open;
	size_t n;

	mg_dp_init(&dp);
	if (lead_colon) {
		mg_dp_feed(&dp, MG_T_COLON, MG_ALT_NONE);
	}
	if (value == NULL || len == 0) {
		return dp.f[MG_S_START];
	}
	cur = (const mg_uc *) value;
	lim = cur + len;

	for (;;) {
		switch (t = mg_lex(&cur, lim, &tok)) {
			case MG_L_END:
				goto done;

			case MG_L_COMMENT:
				if (!open_comment && mg_skip_comment(&cur, lim)) {
					continue;
				}
				/* Postfix: the comment hides the rest of the value */
				open_comment = bad = 1;
				mg_dp_cand(&dp, 0);
				cur = mg_text(tok + 1, lim);
				mg_dp_feed(&dp, MG_T_WORD, MG_ALT_NONE);
				continue;

			case MG_L_QUOTE:
			case MG_L_LITERAL:
				open = t == MG_L_QUOTE ? &open_quote : &open_literal;
				if (*open || !(t == MG_L_QUOTE ? mg_skip_quoted(&cur, lim) : mg_skip_literal(&cur, lim))) {
					/* Postfix: the rest of the value is one quoted word
					 * (or literal) */
					*open = bad = 1;
					mg_dp_cand(&dp, 1);
					cur = mg_text(tok + 1, lim);
				}
				mg_dp_feed(&dp, MG_T_WORD, MG_ALT_NONE);
				continue;

			case MG_L_LT:
				if (angle) {
					bad = 1;
				}
				angle = 1;
				mg_dp_open_angle(&dp);
				continue;

			case MG_L_GT:
				if (angle) {
					/* closed: the '<' was a real one */
					angle = 0;
					dp.pending = 0;
					mg_dp_feed(&dp, MG_T_GT, MG_ALT_NONE);
				} else {
					bad = 1;
					mg_dp_feed(&dp, MG_T_GT, MG_ALT_SKIP);
				}
				continue;

			case MG_L_COMMA: mg_dp_feed(&dp, MG_T_COMMA, MG_ALT_NONE); continue;
			case MG_L_SEMI: mg_dp_feed(&dp, MG_T_SEMI, MG_ALT_NONE); continue;
			case MG_L_COLON: mg_dp_feed(&dp, MG_T_COLON, MG_ALT_NONE); continue;

			case MG_L_STRAY:
				bad = 1;
				mg_dp_feed(&dp, MG_T_JOIN, MG_ALT_SKIP);
				continue;

			case MG_L_ATOM:
				mg_dp_feed(&dp, MG_T_WORD, MG_ALT_NONE);
				continue;

			default:	/* @ . % ! | */
				mg_dp_feed(&dp, MG_T_JOIN, MG_ALT_NONE);
				continue;
		}
	}

done:
	if (angle) {
		bad = 1;
		mg_dp_settle(&dp);
	}
	if (bad && malformed != NULL) {
		*malformed = 1;
	}
	n = dp.f[MG_S_START];
	return dp.best > n ? dp.best : n;
}

size_t mg_count_rcpts_ex(const char *value, size_t len, int *malformed)
{
	return mg_count(value, len, 0, malformed);
}

size_t mg_count_rcpts(const char *value, size_t len)
{
	return mg_count(value, len, 0, NULL);
}

/* ---- duplicates ---- */

/*
 * Postfix queues an address once per mail when cleanup's duplicate filter
 * has seen it (checked with a private Postfix 3.7.11; tests/postfix/
 * dedupe.sh): the key is the address as written, internalized (display
 * name, angle brackets, comments and blanks dropped, quoted strings
 * unquoted) and the address as rewritten, ASCII case folded.
 *
 * Only a list in the plain form below is taken apart into addresses; its
 * keys are exactly Postfix's internal text, lower-cased:
 *
 *   list  = elem *("," elem)              (an elem may be empty)
 *   elem  = addr / [phrase] "<" addr ">"
 *   addr  = local ["@" domain]            (no "@": rewritten to local@myorigin)
 *   local = word *("." word) / qword      (a qword only as the whole local part)
 *   domain = word *("." word)
 *   phrase = 1*(any word or qstring / ".")
 *
 * with blanks, line folds and comments allowed between any two tokens; word
 * is 1*keych, qword a quoted string of 1*(keych / "." / SP); keych is
 * ASCII alphanumeric or one of #$&'*+/=?^_`{}~- (no escapes, 8-bit bytes,
 * or characters Postfix rewrites: ! % |). Two such keys are equal only if
 * Postfix's are. Anything else (groups, routes, literals, a missing comma,
 * an unterminated construct, a field written "Bcc :") leaves the whole
 * value uncompared: its recipients are all counted, and each is taken to
 * fill a place in the filter.
 *
 * The filter remembers set->remember keys per list; past that, Postfix
 * queues a repeat of an address it did not remember. used[] never falls
 * below what Postfix's filter holds (every recipient not known to be a
 * repeat adds one), so every key remembered here is remembered by Postfix
 * too, and every repeat dropped here is dropped there.
 */

enum {
	MG_K_END = 0,
	MG_K_WORD,	/* atom */
	MG_K_QWORD,	/* quoted string */
	MG_K_DOT,
	MG_K_AT,
	MG_K_COMMA,
	MG_K_LT,
	MG_K_GT,
	MG_K_BAD	/* anything outside the plain form */
};

#define MG_PROBES 32	/* hash slots looked at, at most, per address */

static int mg_keych(mg_uc c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		|| (c != 0 && strchr("#$&'*+/=?^_`{}~-", c) != NULL);
}

/* [p, e) may be (part of) a key: quoted adds "." and SP */
static int mg_keytext(const mg_uc *p, const mg_uc *e, int quoted)
{
	if (p == e) {
		return 0;
	}
	for (; p < e; p++) {
		if (!mg_keych(*p) && !(quoted && (*p == '.' || *p == ' '))) {
			return 0;
		}
	}
	return 1;
}

/* The next token of a plain list, comments skipped. A word's text is
 * [*ts, *te) (a quoted string's without its quotes); *key: the text may be
 * in a key. */
static int mg_plain_token(const mg_uc **pcur, const mg_uc *lim, const mg_uc **ts, const mg_uc **te, int *key)
{
	const mg_uc *tok;

	for (;;) {
		switch (mg_lex(pcur, lim, &tok)) {
			case MG_L_END: return MG_K_END;
			case MG_L_COMMENT:
				if (!mg_skip_comment(pcur, lim)) {
					return MG_K_BAD;
				}
				continue;
			case MG_L_QUOTE:
				if (!mg_skip_quoted(pcur, lim)) {
					return MG_K_BAD;
				}
				*ts = tok + 1;
				*te = *pcur - 1;
				*key = mg_keytext(*ts, *te, 1);
				return MG_K_QWORD;
			case MG_L_ATOM:
				*ts = tok;
				*te = *pcur;
				*key = mg_keytext(tok, *pcur, 0);
				return MG_K_WORD;
			case MG_L_DOT: return MG_K_DOT;
			case MG_L_AT: return MG_K_AT;
			case MG_L_COMMA: return MG_K_COMMA;
			case MG_L_LT: return MG_K_LT;
			case MG_L_GT: return MG_K_GT;
			default: return MG_K_BAD;
		}
	}
}

static uint32_t mg_hash(const char *p, size_t len, int list)
{
	uint32_t h = 2166136261u ^ (uint32_t) list;
	size_t i;

	for (i = 0; i < len; i++) {
		h = (h ^ (mg_uc) p[i]) * 16777619u;
	}
	return h;
}

void mg_rcpt_set_init(mg_rcpt_set *set, size_t remember)
{
	set->remember = remember < MG_DUP_FILTER_LIMIT ? remember : MG_DUP_FILTER_LIMIT;
	set->used[0] = set->used[1] = 0;
	set->entries = 0;
	set->text_used = 0;
	memset(set->slot, 0, sizeof(set->slot));
}

/* Starts the set afresh for another mail. */
static void mg_rcpt_set_reset(mg_rcpt_set *set)
{
	mg_rcpt_set_init(set, set->remember);
}

/* A recipient the filter cannot be told about: it counts, and may take a
 * place in the filter. */
static void mg_rcpt_unknown(mg_rcpt_set *set, int list, size_t n)
{
	size_t room = set->remember - set->used[list];

	set->used[list] += n < room ? n : room;
}

/* One address of a plain list, its key [set->text + set->text_used, +len)
 * (whole: fits). 1 if the MTA queues it, 0 for a repeat it drops. */
static int mg_rcpt_add(mg_rcpt_set *set, int list, size_t len, int fits)
{
	const char *key = set->text + set->text_used;
	uint32_t h;
	size_t i, s, free_slot = MG_RCPT_SET_SLOTS;

	if (!fits) {
		mg_rcpt_unknown(set, list, 1);
		return 1;
	}
	h = mg_hash(key, len, list);
	for (i = 0, s = h & (MG_RCPT_SET_SLOTS - 1); i < MG_PROBES; i++, s = (s + 1) & (MG_RCPT_SET_SLOTS - 1)) {
		size_t e = set->slot[s];

		if (e == 0) {
			free_slot = s;
			break;
		}
		e--;
		if (set->entry[e].hash == h && set->entry[e].list == (uint32_t) list && set->entry[e].len == len
				&& memcmp(set->text + set->entry[e].off, key, len) == 0) {
			return 0;
		}
	}
	/* new, or not found within MG_PROBES slots: counted either way */
	if (set->used[list] >= set->remember) {
		return 1;
	}
	set->used[list]++;
	if (free_slot < MG_RCPT_SET_SLOTS && set->entries < 2 * MG_DUP_FILTER_LIMIT) {
		set->entry[set->entries].hash = h;
		set->entry[set->entries].off = (uint32_t) set->text_used;
		set->entry[set->entries].len = (uint32_t) len;
		set->entry[set->entries].list = (uint32_t) list;
		set->slot[free_slot] = (uint16_t) (set->entries + 1);
		set->entries++;
		set->text_used += len;
	}
	return 1;
}

/* Key text being built at the end of the set's text. */
typedef struct {
	mg_rcpt_set *set;	/* NULL: only check the form */
	size_t len;
	int fits;
} mg_key;

/* Appends [p, p + n) to the key, lower-cased. */
static void mg_key_put(mg_key *k, const void *p, size_t n)
{
	mg_rcpt_set *set = k->set;
	const mg_uc *c = p;
	size_t i;

	if (set == NULL || !k->fits) {
		return;
	}
	if (n > MG_RCPT_SET_TEXT - set->text_used - k->len) {
		k->fits = 0;
		return;
	}
	for (i = 0; i < n; i++) {
		set->text[set->text_used + k->len++] = (char) (c[i] >= 'A' && c[i] <= 'Z' ? c[i] - 'A' + 'a' : c[i]);
	}
}

/* Where the parse of one element is (see the grammar above). */
enum {
	MG_P_START,	/* nothing yet */
	MG_P_WORD,	/* words and dots, outside <>, ending in a word */
	MG_P_DOT,	/* ... ending in a dot */
	MG_P_NAME,	/* ... that can only be a display name */
	MG_P_ALOCAL,	/* inside <>, nothing yet */
	MG_P_AWORD,	/* inside <>, local part ending in a word */
	MG_P_ADOT,	/* ... ending in a dot */
	MG_P_DOMAIN,	/* after "@": expecting a word */
	MG_P_DWORD,	/* domain ending in a word */
	MG_P_AFTER	/* after ">" */
};

/* A value in the plain form: the number of addresses in it (set NULL), or
 * of those the MTA queues, the others being repeats (set given); -1 when
 * the value is not in that form. Linear: one pass, no backtracking. */
static long mg_plain_list(const char *value, size_t len, mg_rcpt_set *set, int list)
{
	const mg_uc *cur = (const mg_uc *) value, *lim = cur + len, *ts = NULL, *te = NULL;
	mg_key k = { set, 0, 1 };
	long n = 0;
	int st = MG_P_START, angle = 0, words = 0, quoted = 0, keyok = 1, key = 0, t;

	for (;;) {
		t = mg_plain_token(&cur, lim, &ts, &te, &key);
		switch (st) {
			case MG_P_START:
			case MG_P_ALOCAL:
				angle = st == MG_P_ALOCAL;
				k.len = 0;
				k.fits = 1;
				words = quoted = 0;
				keyok = 1;
				if (t == MG_K_WORD || t == MG_K_QWORD) {
					break;
				}
				if (st == MG_P_START && (t == MG_K_COMMA || t == MG_K_END)) {
					if (t == MG_K_END) {
						return n;
					}
					continue;
				}
				if (st == MG_P_START && t == MG_K_LT) {
					st = MG_P_ALOCAL;
					continue;
				}
				return -1;
			case MG_P_WORD:
			case MG_P_AWORD:
				if (t == MG_K_DOT) {
					st = angle ? MG_P_ADOT : MG_P_DOT;
					mg_key_put(&k, ".", 1);
					continue;
				}
				if (t == MG_K_AT && keyok) {
					st = MG_P_DOMAIN;
					mg_key_put(&k, "@", 1);
					continue;
				}
				if (t == (angle ? MG_K_GT : MG_K_COMMA) || (!angle && t == MG_K_END)) {
					goto address;
				}
				if (!angle && (t == MG_K_WORD || t == MG_K_QWORD || t == MG_K_LT)) {
					/* two words in a row: only a display name before "<" */
					st = MG_P_NAME;
					goto name;
				}
				return -1;
			case MG_P_DOT:
			case MG_P_ADOT:
				if (t == MG_K_WORD || t == MG_K_QWORD) {
					break;
				}
				if (st == MG_P_DOT && (t == MG_K_DOT || t == MG_K_LT)) {
					st = MG_P_NAME;
					goto name;
				}
				return -1;
			case MG_P_NAME:
			name:
				if (t == MG_K_LT) {
					st = MG_P_ALOCAL;
				} else if (t != MG_K_WORD && t != MG_K_QWORD && t != MG_K_DOT) {
					return -1;
				}
				continue;
			case MG_P_DOMAIN:
				if (t == MG_K_WORD && key) {
					st = MG_P_DWORD;
					mg_key_put(&k, ts, (size_t) (te - ts));
					continue;
				}
				return -1;
			case MG_P_DWORD:
				if (t == MG_K_DOT) {
					st = MG_P_DOMAIN;
					mg_key_put(&k, ".", 1);
					continue;
				}
				if (t == (angle ? MG_K_GT : MG_K_COMMA) || (!angle && t == MG_K_END)) {
					goto address;
				}
				return -1;
			case MG_P_AFTER:
				if (t == MG_K_COMMA || t == MG_K_END) {
					if (t == MG_K_END) {
						return n;
					}
					st = MG_P_START;
					continue;
				}
				return -1;
			default:
				return -1;
		}

		/* a word of the local part (or of a display name) */
		words++;
		if (t == MG_K_QWORD) {
			quoted = 1;
		}
		if (!key || (quoted && words > 1)) {
			keyok = 0;
		}
		mg_key_put(&k, ts, (size_t) (te - ts));
		st = angle ? MG_P_AWORD : MG_P_WORD;
		if (angle && !keyok) {
			return -1;
		}
		continue;

	address:
		if (!keyok) {
			return -1;
		}
		if (set == NULL) {
			n++;
		} else {
			n += mg_rcpt_add(set, list, k.len, k.fits);
		}
		if (angle) {
			st = MG_P_AFTER;
			continue;
		}
		if (t == MG_K_END) {
			return n;
		}
		st = MG_P_START;
	}
}

/* Recipients of one address-list value of list (0: To/Cc/Bcc, 1:
 * Resent-*): mg_count()'s, less the repeats the MTA drops when set is
 * given. */
static size_t mg_list_count(mg_rcpt_set *set, int list, const char *value, size_t len, int lead_colon, int *malformed)
{
	int bad = 0;
	size_t n = mg_count(value, len, lead_colon, &bad);
	long plain;

	if (bad) {
		*malformed = 1;
	}
	if (set == NULL) {
		return n;
	}
	if (!bad && !lead_colon && n > 0) {
		/* the plain form, checked first, and as many addresses as the
		 * MTA's own count: then the keys are compared */
		plain = mg_plain_list(value, len, NULL, list);
		if (plain >= 0 && (size_t) plain == n) {
			return (size_t) mg_plain_list(value, len, set, list);
		}
	}
	mg_rcpt_unknown(set, list, n);
	return n;
}

/* ---- header fields ---- */

#define MG_KIND(name, kind) { name, sizeof(name) - 1, kind }

/* The field names mailguard tells apart, lower case. */
static const struct {
	const char *name;
	size_t len;
	mg_hdr_kind kind;
} mg_kinds[] = {
	MG_KIND("from", MG_HDR_FROM),
	MG_KIND("to", MG_HDR_TO),
	MG_KIND("cc", MG_HDR_CC),
	MG_KIND("bcc", MG_HDR_BCC),
	MG_KIND("resent-to", MG_HDR_RESENT_TO),
	MG_KIND("resent-cc", MG_HDR_RESENT_CC),
	MG_KIND("resent-bcc", MG_HDR_RESENT_BCC),
	MG_KIND("subject", MG_HDR_SUBJECT),
	MG_KIND("return-path", MG_HDR_RETURN_PATH),
	MG_KIND("x-php-originating-script", MG_HDR_STAMP),
	MG_KIND("x-mailguard-trace", MG_HDR_TRACE),
};

/* ASCII case-insensitive lookup (no locale): a name is compared only with
 * the entries of its length, so this is constant work per field. */
static mg_hdr_kind mg_name_kind(const mg_uc *name, size_t len)
{
	size_t i, j;

	for (i = 0; i < sizeof(mg_kinds) / sizeof(mg_kinds[0]); i++) {
		if (mg_kinds[i].len != len) {
			continue;
		}
		for (j = 0; j < len; j++) {
			mg_uc c = name[j];

			if (c >= 'A' && c <= 'Z') {
				c = (mg_uc) (c - 'A' + 'a');
			}
			if (c != (mg_uc) mg_kinds[i].name[j]) {
				break;
			}
		}
		if (j == len) {
			return mg_kinds[i].kind;
		}
	}
	return MG_HDR_OTHER;
}

/* Reads the field starting at cur: 0 and f's name, kind and value (after
 * the colon and the blanks after it, up to lim), or -1 for a line that is
 * not a field. */
static int mg_field_start(const mg_uc *cur, const mg_uc *lim, mg_hdr_field *f)
{
	const mg_uc *line = cur, *mrk, *e;

	/* nested ifs: a range test per state instead of a case per byte */
	/*!local:re2c
		re2c:flags:nested-ifs = 1;

		hname wsp* ":" { goto done; }
		*              { return -1; }
		$              { return -1; }
	*/
done:
	/* the name ends before the blanks in front of the colon */
	for (e = cur - 1; e[-1] == ' ' || e[-1] == '\t'; e--) {
	}
	while (cur < lim && (*cur == ' ' || *cur == '\t')) {
		cur++;
	}
	f->name = (const char *) line;
	f->name_len = (size_t) (e - line);
	f->kind = mg_name_kind(line, f->name_len);
	f->value = (const char *) cur;
	f->value_len = (size_t) (lim - cur);
	f->malformed = 0;
	return 0;
}

/* The to-argument is the value of a To: field; its first line is here. */
static void mg_to_field(mg_hdr_field *f, const char *v, size_t len)
{
	while (len > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		len--;
	}
	f->kind = MG_HDR_TO;
	f->name = "To";
	f->name_len = 2;
	f->value = v;
	f->value_len = len;
	f->malformed = 0;
}

/* What the summary collects during a walk (see mg_walk()). */
typedef struct {
	mg_msg_summary *out;
	int in_hdrs;		/* the block is the additional headers, not the to-argument */
	size_t bad_lines;	/* malformed lines counted, to-argument included */
	size_t cut;		/* only lines that end within this many bytes are counted */
	size_t head;		/* the bytes of the lines counted */
	mg_rcpt_set *set;	/* duplicates are removed with it; NULL: not removed */
} mg_sum_ctx;

/* Adds one field to the summary. counted: its first line is counted, and
 * value_len is how much of its value lies in counted lines. */
static void mg_sum_field(mg_sum_ctx *c, const mg_hdr_field *f, size_t value_len, int counted)
{
	mg_msg_summary *out = c->out;
	int bad = 0, lead_colon;

	/* a forged stamp or trace is looked for in counted lines or not */
	if (c->in_hdrs && f->kind == MG_HDR_STAMP) {
		out->has_stamp = 1;
	}
	if (c->in_hdrs && f->kind == MG_HDR_TRACE) {
		out->has_trace = 1;
	}
	if (!counted) {
		return;
	}
	if (f->malformed) {
		out->malformed = 1;
		c->bad_lines++;
		if (c->in_hdrs) {
			out->malformed_lines++;
		}
		return;
	}
	/* Postfix parses the field from just past the length of the name, so
	 * for "Bcc : x" it reads ": x", and that ':' can be a recipient */
	lead_colon = f->name[f->name_len] == ' ' || f->name[f->name_len] == '\t';
	switch (f->kind) {
		case MG_HDR_TO:
		case MG_HDR_CC:
		case MG_HDR_BCC:
			out->plain_rcpts += mg_list_count(c->set, 0, f->value, value_len, lead_colon, &bad);
			break;
		case MG_HDR_RESENT_TO:
		case MG_HDR_RESENT_CC:
		case MG_HDR_RESENT_BCC:
			out->has_resent = 1;
			out->resent_rcpts += mg_list_count(c->set, 1, f->value, value_len, lead_colon, &bad);
			break;
		default:
			break;
	}
	if (bad) {
		out->malformed = 1;
	}
}

/* The one walk over a block that splits it into fields (see scanner.h):
 * each field goes to the summary (when sum is not NULL), then to cb. A
 * field whose first line ends past sum->cut is not counted; one that
 * starts before it and is folded past it is counted up to its last line
 * within it. to_open: the first line is the value of a To: field (the
 * to-argument). */
static size_t mg_walk(const char *buf, size_t len, int to_open, mg_hdr_cb cb, void *ctx, mg_sum_ctx *sum)
{
	const mg_uc *p, *lim, *line, *cend, *next, *eol;
	mg_hdr_field f;
	size_t n = 0, counted_len = 0;
	int have = 0, counted = 0, line_counted = 0;

	memset(&f, 0, sizeof(f));
	if (len == 0 || buf == NULL) {
		if (to_open) {
			/* the to-argument still makes an (empty) To: field */
			mg_to_field(&f, "", 0);
			n++;
			if (sum != NULL) {
				mg_sum_field(sum, &f, 0, 1);
			}
			if (cb != NULL) {
				(void) cb(&f, ctx);
			}
		}
		return n;
	}

	p = (const mg_uc *) buf;
	lim = p + len;
	while (p < lim) {
		line = p;
		eol = memchr(p, '\n', (size_t) (lim - p));
		if (eol != NULL) {
			/* CR belongs to the line end only right before LF */
			cend = (eol > line && eol[-1] == '\r') ? eol - 1 : eol;
			next = eol + 1;
		} else {
			cend = next = lim;
		}
		p = next;
		if (sum != NULL && (size_t) (next - (const mg_uc *) buf) <= sum->cut) {
			line_counted = 1;
			sum->head = (size_t) (next - (const mg_uc *) buf);
		} else {
			line_counted = 0;
		}

		if (have && (*line == ' ' || *line == '\t')) {
			/* a fold: the line belongs to the field before it */
			f.value_len = (size_t) (cend - (const mg_uc *) f.value);
			if (line_counted) {
				counted_len = f.value_len;
			}
			continue;
		}
		if (have) {
			n++;
			if (sum != NULL) {
				mg_sum_field(sum, &f, counted ? counted_len : 0, counted);
			}
			if (cb != NULL && cb(&f, ctx) != 0) {
				return n;
			}
		}

		if (to_open && line == (const mg_uc *) buf) {
			mg_to_field(&f, (const char *) line, (size_t) (cend - line));
		} else if (*line == ' ' || *line == '\t' || mg_field_start(line, cend, &f) != 0) {
			/* not a field (no colon, a bad name, an empty line, or a
			 * continuation with nothing to continue): the whole line,
			 * and any folds after it */
			f.kind = MG_HDR_OTHER;
			f.name = (const char *) line;
			f.name_len = 0;
			f.value = (const char *) line;
			f.value_len = (size_t) (cend - line);
			f.malformed = 1;
		}
		have = 1;
		counted = line_counted;
		counted_len = f.value_len;
	}

	if (have) {
		n++;
		if (sum != NULL) {
			mg_sum_field(sum, &f, counted ? counted_len : 0, counted);
		}
		if (cb != NULL) {
			(void) cb(&f, ctx);
		}
	}
	return n;
}

size_t mg_scan_fields(const char *buf, size_t len, mg_hdr_cb cb, void *ctx)
{
	return mg_walk(buf, len, 0, cb, ctx, NULL);
}

/* ---- whole message ---- */

/* What the MTA queues: To/Cc/Bcc, or Resent-* when present. */
static void mg_sum_rcpts(mg_msg_summary *out, size_t bad_lines)
{
	if (!out->has_resent) {
		out->rcpts = out->plain_rcpts;
	} else if (bad_lines != 0 && out->plain_rcpts > out->resent_rcpts) {
		/* Postfix stops reading headers at a malformed line, maybe before
		 * the Resent field: then To/Cc/Bcc are what it queues */
		out->rcpts = out->plain_rcpts;
	} else {
		out->rcpts = out->resent_rcpts;
	}
}

void mg_summarize(const char *to, size_t to_len, const char *hdrs, size_t hdrs_len, mg_rcpt_set *set, mg_msg_summary *out)
{
	mg_sum_ctx c;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.out = out;
	c.cut = SIZE_MAX;
	c.set = set;
	if (set != NULL) {
		mg_rcpt_set_reset(set);
	}

	/* PHP writes "To: <to>", "Subject: ..." and then the extra headers */
	(void) mg_walk(to, to_len, 1, NULL, NULL, &c);
	c.in_hdrs = 1;
	out->fields = mg_walk(hdrs, hdrs_len, 0, NULL, NULL, &c);
	mg_sum_rcpts(out, c.bad_lines);
}

size_t mg_scan_headers(const char *hdrs, size_t len, size_t limit, mg_rcpt_set *set, mg_hdr_cb cb, void *ctx, mg_msg_summary *out)
{
	mg_sum_ctx c;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.out = out;
	c.in_hdrs = 1;
	c.cut = SIZE_MAX;
	c.set = set;
	if (set != NULL) {
		mg_rcpt_set_reset(set);
	}
	if (limit != 0 && len > limit) {
		c.cut = limit;
		out->capped = 1;
	}
	out->fields = mg_walk(hdrs, len, 0, cb, ctx, &c);
	if (out->capped) {
		/* Every recipient takes at least one byte of its field's value,
		 * so the rest of the block holds at most one per byte (none of
		 * them taken for a repeat); and the two sums cover whichever of
		 * To/Cc/Bcc or Resent-* the MTA uses. */
		out->rcpts = out->plain_rcpts + out->resent_rcpts + (len - c.head);
	} else {
		mg_sum_rcpts(out, c.bad_lines);
	}
	return out->fields;
}
