import {
  formatLabelMatchers,
  parseLabelMatchers,
  quotePromqlString,
} from './prometheusLabelMatchers';

describe('parseLabelMatchers', () => {
  it('parses a label-matcher list, with or without braces, and round-trips escapes', () => {
    expect(
      parseLabelMatchers(
        '{model_name="llama \\"8b\\"", namespace =~ "prod|staging", team!=\'x\'}',
      ),
    ).toEqual({
      matchers: [
        { name: 'model_name', operator: '=', value: 'llama "8b"' },
        { name: 'namespace', operator: '=~', value: 'prod|staging' },
        { name: 'team', operator: '!=', value: 'x' },
      ],
    });
    const parsed = parseLabelMatchers('model="a\\\\b"');
    expect(parsed).toEqual({
      matchers: [{ name: 'model', operator: '=', value: 'a\\b' }],
    });
    expect(formatLabelMatchers((parsed as { matchers: any }).matchers)).toBe(
      'model="a\\\\b"',
    );
  });

  it.each([
    ['', /at least one label matcher/],
    ['up{job="x"}', /expected a label name .* at position 1, got 'up\{job/],
    ['model "x"', /expected one of =, !=, =~, !~ after 'model'/],
    [
      'model="x"} or vector(1) or up{a="b"',
      /expected ',' between label matchers/,
    ],
    ['model="x", sum(rate(a[5m]))', /expected a label name .* at position 12/],
    ['__name__="up"', /reserved/],
    ['model=x', /expected a quoted value/],
    ['model="x', /unterminated string/],
    ['model=~"(("', /invalid regular expression/],
    ['model!="x"', /non-empty value/],
    ['{model="x"', /closing '\}'/],
  ])('rejects %p', (text, error) => {
    const parsed = parseLabelMatchers(text);
    expect('error' in parsed && parsed.error).toMatch(error);
  });
});

describe('quotePromqlString', () => {
  it('cannot be escaped out of', () => {
    expect(quotePromqlString('a"} or vector(1) #\n')).toBe(
      '"a\\"} or vector(1) #\\n"',
    );
  });
});
