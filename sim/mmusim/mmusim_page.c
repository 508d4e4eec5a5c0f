/*
 * The lecture pages: a fixed skeleton, the shared stylesheet and error catcher, the command's JSON in a
 * <script type="application/json"> element, and the command's script that draws it (sim/mmusim/page/).
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mmusim_page.h"

/* the assets, embedded at build time (sim/mmusim/page/embed.cmake) */
extern const char mmusim_page_css[], mmusim_page_head_js[], mmusim_page_explain_js[], mmusim_page_amat_js[];

typedef struct page {
	const char *title, *script, *json;
} page_t;

/* Text for an HTML element's content: the title is the command's own words, but may hold '<' or '&'. */
static int put_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		const char *esc = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" : NULL;
		if (esc ? fputs(esc, f) < 0 : fputc(*s, f) == EOF)
			return -1;
	}
	return 0;
}

/* JSON inside <script>: '<' only occurs in its strings, where \u003c is the same character and no "</script" */
static int put_json(FILE *f, const char *s)
{
	for (; *s; s++)
		if (*s == '<' ? fputs("\\u003c", f) < 0 : fputc(*s, f) == EOF)
			return -1;
	return 0;
}

static int fill(FILE *f, const void *ctx)
{
	const page_t *p = ctx;
	int err = fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	                f) < 0;
	err |= put_text(f, p->title);
	err |= fprintf(f, "</title>\n<style>\n%s</style>\n<script>\n%s</script>\n</head>\n<body>\n<header>\n<h1>",
	               mmusim_page_css, mmusim_page_head_js) < 0;
	err |= put_text(f, p->title);
	err |= fputs("</h1>\n</header>\n<main id=\"app\"><noscript>This page draws its content with JavaScript; "
	             "the same is printed by the command without --html.</noscript></main>\n"
	             "<div id=\"print-all\"></div>\n<pre id=\"test-summary\" hidden></pre>\n"
	             "<div id=\"test-log\" hidden></div>\n<ol id=\"console-errors\" hidden data-count=\"0\"></ol>\n"
	             "<script type=\"application/json\" id=\"data\">",
	             f) < 0;
	err |= put_json(f, p->json);
	err |= fprintf(f, "</script>\n<script>\n%s</script>\n</body>\n</html>\n", p->script) < 0;
	return err ? -1 : 0;
}

int page_write(const char *path, bool replace, page_kind_t kind, const char *title, const cJSON *data)
{
	char *json = cJSON_PrintUnformatted(data);
	if (!json)
		return cli_fail("%s: out of memory", path);
	page_t p = {.title = title,
	            .script = kind == PAGE_EXPLAIN ? mmusim_page_explain_js : mmusim_page_amat_js,
	            .json = json};
	char msg[512];
	cli_out_err_t err = cli_out_write(path, replace, fill, &p, msg, sizeof msg);
	free(json);
	return err ? cli_fail("%s", msg) : 0;
}
