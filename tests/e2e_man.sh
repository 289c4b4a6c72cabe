#!/bin/sh
# The man pages cover what the program accepts: every command `tidings
# --help` lists and every option its `tidings help COMMAND` synopsis shows
# has an entry in tidings(1); every section and key src/conf.c accepts and
# every feed option src/feedlist.c accepts has one in tidings.conf(5).
# The lists come from the program and the source, never from a copy.  Then
# man(1) renders each page without a warning (as lintian asks).
set -u
fail=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bad() { echo "FAIL: $*"; fail=1; }
src=$TESTS_DIR/..
page1=$src/doc/tidings.1.in
page5=$src/doc/tidings.conf.5.in

# Commands, from the program.
"$TIDINGS" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' \
	>"$out/commands"
n=$(wc -l <"$out/commands")
[ "$n" -ge 10 ] || bad "tidings --help lists $n commands: the listing changed?"
for c in $(cat "$out/commands") help; do
	grep -q "^\.It Cm $c\( \|\$\)" "$page1" || bad "tidings.1 has no entry for the command $c"
done

# Options, from each command's synopsis: --long as "Fl \-long", -x as "Fl x".
for c in $(cat "$out/commands"); do
	"$TIDINGS" help "$c" | head -n 1 | tr ' []|' '\n\n\n\n' |
		sed -n 's/^\(--*[a-z][a-z-]*\).*/\1/p' | while read -r o; do
		case $o in
		--*) pat="Fl \\\\-${o#--}" ;;
		*) pat="Fl ${o#-}" ;;
		esac
		grep -q "$pat\( \|\$\)" "$page1" ||
			echo "tidings.1 does not show $o of $c" >>"$out/missing"
	done
done
for o in version help; do
	grep -q "Fl \\\\-$o" "$page1" || echo "tidings.1 does not show --$o" >>"$out/missing"
done
if [ -s "$out/missing" ]; then
	while read -r l; do bad "$l"; done <"$out/missing"
fi

# Sections and keys, from the source's tables.
sed -n '/section_names\[\] = {/,/};/p' "$src/src/conf.c" | grep -o '"[a-z]*"' |
	tr -d '"' >"$out/sections"
grep -o '{ "[a-z_]*", V_' "$src/src/conf.c" | sed 's/{ "\([a-z_]*\)".*/\1/' |
	sort -u >"$out/keys"
sed -n '/^static const char \*const keys\[\] = {/,/};/p' "$src/src/feedlist.c" |
	grep -o '"[a-z_]*"' | tr -d '"' >"$out/feedkeys"
[ "$(wc -l <"$out/sections")" -ge 5 ] || bad "no section list found in src/conf.c"
[ "$(wc -l <"$out/keys")" -ge 25 ] || bad "no key tables found in src/conf.c"
[ "$(wc -l <"$out/feedkeys")" -ge 8 ] || bad "no feed option list found in src/feedlist.c"
for s in $(cat "$out/sections"); do
	grep -q "^\.Ss \[$s\( \|\]\)" "$page5" || bad "tidings.conf.5 has no section [$s]"
done
for k in $(cat "$out/keys"); do
	grep -q "^\.It Cm $k Li = " "$page5" || bad "tidings.conf.5 has no entry for the key $k"
done
for k in $(cat "$out/feedkeys"); do
	grep -q "^\.It Cm $k Ns = " "$page5" || bad "tidings.conf.5 has no entry for the feed option $k"
done
[ "$fail" -eq 0 ] && echo "ok: $(wc -l <"$out/commands") commands with their options, $(wc -l <"$out/keys") keys, $(wc -l <"$out/feedkeys") feed options documented"

# Rendering, as lintian checks it.
if command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1; then
	for p in "$page1" "$page5" "$src/doc/tidings-db.5"; do
		LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		    man --warnings -E UTF-8 -l -Tutf8 -Z "$p" >/dev/null 2>"$out/warn"
		[ -s "$out/warn" ] && bad "man warns about $(basename "$p"): $(cat "$out/warn")"
	done
	[ "$fail" -eq 0 ] && echo "ok: man renders the pages without warnings"
else
	echo "SKIP: man or groff is missing: the pages are not rendered"
fi
exit "$fail"
