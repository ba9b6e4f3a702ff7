import { OS_RELEASE_PATHS, parseOsRelease } from '@imprint/sdk';

/**
 * os-release(5) parsing: the fields the SBOM takes from an image's
 * `/etc/os-release`, read with the file format's shell-like quoting rules.
 */

describe('parseOsRelease', () => {
  it("reads a distribution's file as shipped (Debian 12)", () => {
    const text = [
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
      'NAME="Debian GNU/Linux"',
      'VERSION_ID="12"',
      'VERSION="12 (bookworm)"',
      'VERSION_CODENAME=bookworm',
      'ID=debian',
      'HOME_URL="https://www.debian.org/"',
      '',
    ].join('\n');
    expect(parseOsRelease(text)).toEqual({
      id: 'debian',
      versionId: '12',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
    });
  });

  it('takes unquoted, double-quoted and single-quoted values', () => {
    expect(
      parseOsRelease('ID=alpine\nVERSION_ID=\'3.20.3\'\nPRETTY_NAME="Alpine Linux v3.20"'),
    ).toEqual({
      id: 'alpine',
      versionId: '3.20.3',
      prettyName: 'Alpine Linux v3.20',
    });
  });

  it('unescapes " \\ ` $ inside double quotes and keeps a backslash before anything else', () => {
    // The file's line: PRETTY_NAME="say \"hi\" \\ \`cmd\` \$HOME \n C:\dir"
    const text = 'PRETTY_NAME="say \\"hi\\" \\\\ \\`cmd\\` \\$HOME \\n C:\\dir"';
    expect(parseOsRelease(text).prettyName).toBe('say "hi" \\ `cmd` $HOME \\n C:\\dir');
  });

  it('takes single-quoted values literally, backslashes included', () => {
    expect(parseOsRelease(String.raw`PRETTY_NAME='a \"b\" \\ $c'`).prettyName).toBe(
      String.raw`a \"b\" \\ $c`,
    );
  });

  it('lets a backslash escape any character of an unquoted value', () => {
    expect(parseOsRelease(String.raw`PRETTY_NAME=Linux\ 1\"x\"\\`).prettyName).toBe('Linux 1"x"\\');
  });

  it('skips comments, blank lines and surrounding blanks; CRLF line ends are read too', () => {
    const text =
      '# ID=commented\r\n\r\n   # ID=indented comment\r\n  ID=ubuntu  \r\nVERSION_ID="22.04"\r\n';
    expect(parseOsRelease(text)).toEqual({ id: 'ubuntu', versionId: '22.04' });
  });

  it('lets a later assignment replace an earlier one, as sourcing the file would', () => {
    expect(parseOsRelease('ID=debian\nID=ubuntu\n').id).toBe('ubuntu');
  });

  it('treats an empty value as unset (Debian sid states no VERSION_ID at all)', () => {
    expect(parseOsRelease('ID=debian\nVERSION_ID=\nPRETTY_NAME=""\n')).toEqual({ id: 'debian' });
    expect(parseOsRelease('PRETTY_NAME="Debian GNU/Linux trixie/sid"\nID=debian\n')).toEqual({
      id: 'debian',
      prettyName: 'Debian GNU/Linux trixie/sid',
    });
  });

  it('skips lines that are no valid assignment and keeps the valid ones', () => {
    const text = [
      'ID=debian',
      'VERSION_ID="12', // unterminated quote
      'PRETTY_NAME="Debian" "GNU"', // concatenation, which os-release(5) does not allow
      'VERSION_ID=1 2', // an unquoted blank
      'export ID=ubuntu', // shell syntax beyond an assignment
      'ID =alpine', // a blank before `=`
      'no assignment at all',
      '1ID=alpine', // not a variable name
    ].join('\n');
    expect(parseOsRelease(text)).toEqual({ id: 'debian' });
  });

  it('states nothing for an empty file', () => {
    expect(parseOsRelease('')).toEqual({});
    expect(parseOsRelease('\n# only a comment\n')).toEqual({});
  });

  it('looks in /etc first, then /usr/lib, as os-release(5) asks', () => {
    expect(OS_RELEASE_PATHS).toEqual(['etc/os-release', 'usr/lib/os-release']);
  });
});
