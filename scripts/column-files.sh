#!/bin/sh
# column-files.sh lists, for each template column, the non-test Go files
# outside sandbox/ that name it: its constant (agentfile.ColX) or its header
# text (the canonical name and every alias, as written in the code).
cd "$(dirname "$0")/.." || exit 1
files=$(find . -name '*.go' ! -name '*_test.go' ! -path './sandbox/*' | sort)
go run ./scripts/columnnames | while IFS='	' read -r const names; do
	list=$( (
		grep -lw "$const" $files
		echo "$names" | tr '|' '\n' | while read -r n; do
			[ -n "$n" ] && grep -liF "\"$n" $files
		done
	) | sort -u | tr '\n' ' ')
	n=$(echo "$list" | wc -w)
	printf '%-26s %2d  %s\n' "$const" "$n" "$list"
done
