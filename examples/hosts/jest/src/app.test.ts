import { Demo } from './app';

test('myFunc returns a million ones, and reports its memory', () => {
  expect(new Demo().myFunc()).toHaveLength(10 ** 6);
});
