// What a person's height and weight plausibly are, so that numbers a buyer types without units or
// hint words ("170 60 穿啥码", "168/50", "我175 140斤") can be told apart, and a bare weight can be
// read in the unit the buyer most likely meant: 120 from a 170 cm buyer is 120 斤 (60 kg) in a
// Chinese chat and 120 lb (54 kg) in an English one, never a 120 kg person by default.
//
// The ranges are for shoppers of adult and teenage clothing; a number outside them is not thrown
// away, it is simply not guessed at (the bot asks, and an answer to its question is taken as given).

import type { Language } from '../messages.ts';

/** Heights (cm) a bare, unhinted number is taken for. */
const HEIGHT_CM: readonly [number, number] = [130, 220];
/** Weights (kg) a bare, unhinted number is taken for, once read in its likely unit. */
const WEIGHT_KG: readonly [number, number] = [30, 180];
/** Body-mass indices a height and weight read together must give (far beyond both ends of real life is a misreading). */
const BMI: readonly [number, number] = [13, 45];
/** The band in which a reading is ordinary, used to choose between kg and 斤 (or lb). */
const ORDINARY_BMI: readonly [number, number] = [15, 35];
/** From here on a bare weight may be 斤 or lb rather than kg: 90 kg is a heavy buyer, 90 斤 a slim one. */
const AMBIGUOUS_FROM = 90;
/** Without a height to compare with, a bare weight this large is read as 斤 (or lb). */
const SMALL_UNIT_FROM = 100;

const KILOGRAMS_PER_JIN = 0.5;
const KILOGRAMS_PER_POUND = 0.45359237;

function within([low, high]: readonly [number, number], value: number): boolean {
  return value >= low && value <= high;
}

function bodyMassIndex(kilograms: number, centimetres: number): number {
  const metres = centimetres / 100;
  return kilograms / (metres * metres);
}

/** A bare length in centimetres: people give heights in metres (1.7) or centimetres (170), never in metres above 3. */
export function bareLengthInCentimetres(value: number): number {
  return value > 0 && value < 3 ? Math.round(value * 1000) / 10 : value;
}

/**
 * A bare weight in kilograms. Up to 90 it is kilograms; above, the smaller unit of the buyer's
 * language (斤 in Chinese, lb in English) when the height makes it the ordinary reading, or, with
 * no height known, from 100 on.
 */
export function bareWeightInKilograms(value: number, language: Language, heightCm?: number): number {
  if (value < AMBIGUOUS_FROM) return value;
  const factor = language === 'en' ? KILOGRAMS_PER_POUND : KILOGRAMS_PER_JIN;
  const small = Math.round(value * factor * 10) / 10;
  if (heightCm === undefined || !within(HEIGHT_CM, heightCm)) return value >= SMALL_UNIT_FROM ? small : value;
  const kgOrdinary = within(ORDINARY_BMI, bodyMassIndex(value, heightCm));
  const smallOrdinary = within(ORDINARY_BMI, bodyMassIndex(small, heightCm));
  if (kgOrdinary && !smallOrdinary) return value;
  if (smallOrdinary && !kgOrdinary) return small;
  return value >= SMALL_UNIT_FROM ? small : value;
}

/** Whether a height in centimetres is one a buyer would give without being asked. */
export function plausibleHeight(centimetres: number): boolean {
  return within(HEIGHT_CM, centimetres);
}

/** Whether a weight in kilograms is plausible, and, with a height, plausible together with it. */
export function plausibleWeight(kilograms: number, heightCm?: number): boolean {
  if (!within(WEIGHT_KG, kilograms)) return false;
  return heightCm === undefined || within(BMI, bodyMassIndex(kilograms, heightCm));
}
