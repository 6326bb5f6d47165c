/** The label selector check against apimachinery's `labels.Parse` behaviour (pkg/labels/selector.go and its tests). */
import { describe, expect, it } from 'vitest';
import { labelSelectorProblem } from '../../../lib/job/label-selector';

describe('labelSelectorProblem', () => {
  it.each([
    '',
    'x',
    'x=a',
    'x==a',
    'x!=a',
    'x=',
    'x= ',
    'x=,z= ',
    '!x',
    '!x,y',
    'x>1',
    'x<9223372036854775807',
    'x in (a)',
    'x in (a,b)',
    'x in ()',
    'x notin ()',
    'x in (a,)',
    'x in (,a)',
    'x in (,)',
    'x in (a,,b)',
    'x in (in,notin)',
    'x=in',
    'x in (foo,,baz),y,z notin ()',
    'example.com/x=a',
    'a.b-c_d=E.f-G_h',
    ' x = a , y ',
    'x\t=\ta',
  ])('accepts %j', (s) => {
    expect(labelSelectorProblem(s)).toBeUndefined();
  });

  it.each<[string, RegExp]>([
    ['x,', /identifier after ','/],
    [',x', /expected: !, identifier/],
    ['x=a,', /identifier after ','/],
    ['x y', /found 'y', expected: in, notin/],
    ['x=a=b', /found '=', expected: ',' or 'end of string'/],
    ['x=(a)', /found '\(', expected: identifier/],
    ['x in a', /expected: '\('/],
    ['x in (a', /found end of string, expected: ',' or '\)'/],
    ['x in (a b)', /found 'b', expected: ',' or '\)'/],
    ['x in (=)', /expected: ',', '\)' or identifier/],
    ['!x=a', /found '=', expected: ',' or 'end of string'/],
    ['!', /expected: identifier/],
    ['!!x', /expected: identifier/],
    ['x!', /found '!', expected: in, notin/],
    ['x>a', /must be an integer/],
    ['x>', /must be an integer/],
    ['x>9223372036854775808', /must be an integer/],
    ['x<-1', /must be an integer/],
    ['-x=a', /key "-x"/],
    ['a/b/c', /key "a\/b\/c"/],
    ['/x', /prefix part must be non-empty/],
    ['Example.com/x', /prefix part/],
    ['x=' + 'a'.repeat(64), /no more than 63/],
    ['x in (a,-b)', /value "-b"/],
    ['x=a\0,y', /NUL/],
    ['x=é', /value "é"/],
    ['constructor=__proto__', /value "__proto__"/],
    ['x'.repeat(4097), /longer than 4096/],
  ])('refuses %j', (s, why) => {
    expect(labelSelectorProblem(s)).toMatch(why);
  });

  it('built-in names are ordinary keys', () => {
    expect(labelSelectorProblem('constructor,toString=x,hasOwnProperty in (a)')).toBeUndefined();
  });
});
