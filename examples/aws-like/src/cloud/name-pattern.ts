import picomatch from 'picomatch';

// EC2 name filters know only `*` and `?`; everything else (brackets, braces,
// parentheses, `!`) is literal in AMI names, so it is escaped before picomatch
// sees it. `bash: true` lets `*` cross `/`, as in names like `ubuntu/images/…`.
const NOT_WILDCARD = /[^*?A-Za-z0-9_ /-]/g;

/**
 * A matcher for an EC2-style image name pattern: `*` matches any characters
 * (including `/`), `?` one character other than `/`, everything else itself.
 */
export function nameMatcher(pattern: string): (name: string) => boolean {
  const escaped = pattern.replace(NOT_WILDCARD, (c) => `\\${c}`);
  return picomatch(escaped, { bash: true, dot: true });
}
