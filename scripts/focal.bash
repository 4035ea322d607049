# bash completion for focal.  No word lists live here: focal itself says
# what Tab offers (focal --complete WORD LINE reads its command table, the
# typed option rows, the loss registry and the figure set), and ":files"
# asks for file names.
_focal()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prog=${COMP_WORDS[0]} out
	# bash splits "--format=csv" at '=': the word after it is the value
	[[ $cur == "=" ]] && cur=
	[[ -x $prog ]] || prog=focal
	out=$("$prog" --complete "$cur" "${COMP_LINE:0:COMP_POINT}" 2>/dev/null) || return
	COMPREPLY=()
	if [[ $out == ":files" ]]; then
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	elif [[ -n $out ]]; then
		mapfile -t COMPREPLY <<<"$out"
	fi
}
complete -F _focal focal
