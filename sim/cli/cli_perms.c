/*
 * Page permissions on the command line: "r,w,x,u" and any subset that holds r (an x86 page that is present is
 * always readable, so a list without r describes no page there is).
 */
#include <string.h>

#include "cli.h"
#include "mmu/mmu_os.h"

int cli_perms(const char *option, const char *s, bool unreadable_ok, unsigned *perms)
{
	static const struct {
		char name;
		unsigned perm;
	} known[] = {{'r', 0}, {'w', MMU_PERM_W}, {'x', MMU_PERM_X}, {'u', MMU_PERM_U}};
	bool readable = false;
	*perms = 0;
	for (const char *p = s;; p++) {
		size_t len = strcspn(p, ",");
		size_t k = 0;
		while (k < sizeof known / sizeof known[0] && !(len == 1 && *p == known[k].name))
			k++;
		if (k == sizeof known / sizeof known[0])
			return cli_fail("%s '%s': '%.*s' is not one of r, w, x, u (comma-separated, e.g. r,w,u)",
			                option, s, (int)len, p);
		readable |= known[k].name == 'r';
		*perms |= known[k].perm;
		p += len;
		if (*p == '\0')
			break;
	}
	if (!readable && unreadable_ok)
		*perms |= MMU_PERM_NO_R;
	else if (!readable)
		return cli_fail(
		    "%s '%s': a mapped page is always readable: the list must hold r (e.g. r,u for read-only)", option,
		    s);
	return 0;
}
