/**
 * French, German and Italian for triage (bot/discourse/triage/languages.ts and the signals' folded
 * patterns): elisions cut off, function words dropped from the word features, course words glossed to the
 * English the rules read, and the forum signals in those languages.
 */
import { describe, expect, it } from 'vitest';
import { textTerms } from '../../bot/discourse/triage/features.js';
import { intlExpansions, stripElisions } from '../../bot/discourse/triage/languages.js';
import { forumSignals } from '../../bot/discourse/triage/signals.js';

const signals = (body: string) => forumSignals({ title: 't', body }, undefined, { knownShare: 0.5, courseDomains: new Set() });

describe('triage languages', () => {
  it("cuts French and Italian elisions off, and leaves English contractions alone", () => {
    expect(stripElisions("l'erreur d’upload qu'il a eu dell'IDE")).toBe('erreur upload il a eu IDE');
    expect(stripElisions("don't can't it's")).toBe("don't can't it's");
  });

  it('drops function words of the three languages from the word features, keeping course words', () => {
    const t = textTerms("Je n'arrive pas à téléverser le croquis dans la carte");
    expect(t).not.toContain('je');
    expect(t).not.toContain('dan');
    expect(t).toContain('croqui');
    expect(textTerms('6 min per epoch')).toContain('per');
  });

  it('glosses course words to English', () => {
    expect(intlExpansions('La bibliothèque manque, la carte n’est pas reconnue')).toEqual(expect.arrayContaining(['library', 'board', 'detect']));
    expect(intlExpansions('Die Genauigkeit im Modell')).toEqual(expect.arrayContaining(['accuracy', 'model']));
    expect(intlExpansions('the model and the board')).toEqual([]);
  });

  it('reads phishing, defects and fresh copies in French, German and Italian', () => {
    expect(signals('Votre compte sera suspendu sous 24 heures, vérifiez votre identité').phishing).toBeTruthy();
    expect(signals('Il titolo ha un refuso').defect.length).toBeGreaterThan(0);
    expect(signals('Copie neuve du colab').asShipped).toBe(true);
    expect(signals('Je n’ai rien modifié dans le colab').asShipped).toBe(true);
    expect(signals('Die Folien sind veraltet').defect.length).toBeGreaterThan(0);
    expect(signals("J'ai gagné 3 places au classement").money).toEqual([]);
  });
});
