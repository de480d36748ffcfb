# bash completion for whalebox-lite. Source it (or drop it into
# /usr/share/bash-completion/completions/whalebox-lite).
# Commands and their subcommands are listed here; a command's flags are read from its own
# --help, so they stay current; container and image names come from `ps -a` and `images`
# with the same --root/--state-root as the line being completed.

_whalebox_lite_commands="attach commit container cp create exec export history image images import info inspect kill load logs network pause port ps rename restart rm rmi run save start stats stop system tag top unpause version volume wait"

# whalebox-lite with the global flags typed so far (--root, --state-root).
_whalebox_lite_call() {
	local bin=${COMP_WORDS[0]} i globals=()
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--root | --state-root) globals+=("${COMP_WORDS[i]}" "${COMP_WORDS[i + 1]}") ;;
		esac
	done
	"$bin" "${globals[@]}" "$@" 2>/dev/null
}

_whalebox_lite_flags() {
	_whalebox_lite_call "$@" --help | grep -oE -- '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[ ,]//' | sort -u
}

_whalebox_lite() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local i cmd="" sub=""
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--root | --state-root) ((i++)) ;;
		-*) ;;
		*)
			if [ -z "$cmd" ]; then
				cmd=${COMP_WORDS[i]}
			elif [ -z "$sub" ]; then
				sub=${COMP_WORDS[i]}
			fi
			;;
		esac
	done
	case $prev in
	--root | --state-root | -v | --volume | -o | --output | --env-file | -i | --input)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	esac
	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--root --state-root --debug --help --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$_whalebox_lite_commands" -- "$cur"))
		fi
		return
	fi
	local words
	case $cmd in
	volume) words="create ls inspect rm prune" ;;
	network) words="create ls inspect rm connect disconnect" ;;
	container) words="prune" ;;
	image) words="prune" ;;
	system) words="df" ;;
	esac
	if [ -n "$words" ] && [ -z "$sub" ]; then
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_whalebox_lite_flags $cmd $sub)" -- "$cur"))
		return
	fi
	case $cmd in
	run | create | history | save | rmi | tag)
		words=$(_whalebox_lite_call images --format '{{.Repository}}:{{.Tag}}')
		;;
	import | load)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	volume)
		words=$(_whalebox_lite_call volume ls -q)
		;;
	network)
		words=$(_whalebox_lite_call network ls --format '{{.Name}}')
		;;
	inspect)
		words="$(_whalebox_lite_call ps -a --format '{{.Names}}') $(_whalebox_lite_call images --format '{{.Repository}}:{{.Tag}}')"
		;;
	cp)
		words=$(_whalebox_lite_call ps -a --format '{{.Names}}:')
		COMPREPLY=($(compgen -W "$words" -- "$cur") $(compgen -f -- "$cur"))
		compopt -o nospace 2>/dev/null
		return
		;;
	*)
		words=$(_whalebox_lite_call ps -a --format '{{.Names}}')
		;;
	esac
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
}

complete -F _whalebox_lite whalebox-lite
