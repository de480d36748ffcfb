# bash completion for whalebox (runc's command line). Source it (or drop it into
# /usr/share/bash-completion/completions/whalebox).
# A command's flags are read from its own --help; container ids from `list -q` with the
# --root typed on the line.

_whalebox_commands="checkpoint create delete events exec features kill list pause ps restore resume run spec start state update"

_whalebox_call() {
	local bin=${COMP_WORDS[0]} i globals=()
	for ((i = 1; i < COMP_CWORD; i++)); do
		[ "${COMP_WORDS[i]}" = --root ] && globals+=(--root "${COMP_WORDS[i + 1]}")
	done
	"$bin" "${globals[@]}" "$@" 2>/dev/null
}

_whalebox() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local i cmd=""
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--root | --log | --log-format | --criu | --rootless) ((i++)) ;;
		-*) ;;
		*) [ -z "$cmd" ] && cmd=${COMP_WORDS[i]} ;;
		esac
	done
	case $prev in
	--root | --log | --criu | -b | --bundle | --pid-file | --console-socket | -p | --process | --image-path | --work-path)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--log-format)
		COMPREPLY=($(compgen -W "text json" -- "$cur"))
		return
		;;
	esac
	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--root --log --log-format --debug --systemd-cgroup --criu --rootless --help --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$_whalebox_commands" -- "$cur"))
		fi
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_whalebox_call "$cmd" --help | grep -oE -- '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[ ,]//' | sort -u)" -- "$cur"))
		return
	fi
	case $cmd in
	spec | features) ;;
	*) COMPREPLY=($(compgen -W "$(_whalebox_call list -q)" -- "$cur")) ;;
	esac
}

complete -F _whalebox whalebox
