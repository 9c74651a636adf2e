// Four-letter words live in ./four-letter-words/ (one file per group of commands); this path stays for importers.
export { FOUR_LETTER_WORDS, isFourLetterWord, runFourLetterWord, type FourLetterContext } from './four-letter-words/index.js';
