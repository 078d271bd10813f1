/**
 * French, German and Italian for triage. The shared text pipeline (bot/answers/text.ts) folds accents and
 * knows English, Spanish, Portuguese and Hindi-English stop words and glossary entries; a French post
 * otherwise reaches the model as "w:pour", "w:dans", "w:dell" and no word the English rules or the
 * English-trained vocabulary know. This module adds, for triage only: elisions split off (l', d', qu',
 * dell', un'…), the function words of the three languages dropped from the word features, and a small
 * course glossary (their words for board, upload, library, train, grade, typo, …) to the English words
 * the material and the rules use. Keys are lower case without accents, like the shared glossary. Pure.
 */
import { fold } from '../../answers/text.js';

/** Elided articles and pronouns (French l' d' j' qu' c' n' s' m' t', Italian dell' nell' un' …), any apostrophe. */
const ELISION = /(?<![\p{L}\p{N}_])(l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|dell|nell|sull|dall|all|coll|quell|quest|un|gl)['’](?=\p{L})/giu;

/** The text with elisions cut off ("l'erreur" → "erreur", "dell'IDE" → "IDE"). */
export function stripElisions(s: string): string {
  return s.replace(ELISION, '');
}

/** Function words of French, German and Italian (accents removed); none is a course word in English. */
export const INTL_STOPWORDS: ReadonlySet<string> = new Set(
  (
    // French
    'le les des du au aux une et ou mais donc ni est sont suis es etes sommes avons avez ont avais avait etait ete etre avoir ' +
    'je tu il elle on nous vous ils elles moi toi lui leur leurs ce cet cette ces ca cela ceci mon ma mes ton ta tes son sa ses notre nos votre vos ' +
    'qui quoi dont lequel laquelle quel quelle quels quelles pour dans sur sous avec sans chez par entre depuis avant apres ' +
    'pas ne tres bien tout tous toute toutes aussi deja toujours jamais rien quand comment pourquoi combien ici faut fait faire ' +
    'peut peux veux sais merci bonjour salut bonsoir svp stp quelqu quelque quelques autre autres meme comme alors si oui non qu ' +
    // German
    'der das den dem des ein eine einen einem einer eines und oder aber doch ist sind bist waren sein habe haben hatte wird werden ' +
    'ich du er sie es wir ihr mich mir dich dir uns euch mein meine meinen dein deine sich nicht kein keine auch noch schon nur sehr ohne fur ' +
    'von vom zum zur bei nach aus auf uber unter vor wie was wer wo warum wann wenn dann dass weil ob hier dort jetzt immer etwas alle alles ' +
    'hallo danke bitte gibt kann konnen muss mussen soll sollte habt ja nein mal einfach trotzdem ' +
    // Italian
    'il lo gli della dello delle degli dei nel nello nella nelle negli nei sul sulla sui dal dalla dai alla alle agli col una uno ed ma anche ' +
    'sono sei siamo siete ero stato stata essere ho hai ha abbiamo avete hanno avere io noi voi loro mio mia miei mie tuo tua suo ' +
    'che chi cosa quale quali quando perche questo questa questi queste quello quella tra fra senza non piu molto tutto tutti sempre ' +
    'gia ancora ciao grazie salve buongiorno qualcuno qualche altro altri altra stesso ogni poi dopo se si ne ci'
  ).split(/\s+/),
);

/**
 * Course vocabulary of French (fr), German (de) and Italian (it) → the English words the material and the
 * rules use. Only words that are not also English words (no "lecture", "note", "micro").
 */
export const INTL_GLOSSARY: Readonly<Record<string, readonly string[]>> = {
  // the board, ports and uploads
  carte: ['board'], cartes: ['board'], platine: ['board'], scheda: ['board'], schede: ['board'],
  televerser: ['upload'], televerse: ['upload'], televersement: ['upload'], hochladen: ['upload'], hochgeladen: ['upload'], caricare: ['upload'], caricamento: ['upload'], caricato: ['upload'],
  telecharger: ['download'], telechargement: ['download'], herunterladen: ['download'], scaricare: ['download'],
  branche: ['plug', 'connect'], brancher: ['plug', 'connect'], angeschlossen: ['plug', 'connect'], collegata: ['plug', 'connect'], collegato: ['plug', 'connect'],
  reconnue: ['detect', 'port'], reconnu: ['detect', 'port'], erkannt: ['detect', 'port'], riconosciuta: ['detect', 'port'], riconosciuto: ['detect', 'port'],
  pilote: ['driver'], pilotes: ['driver'], treiber: ['driver'], anschluss: ['port'], porta: ['port'], kabel: ['cable'], cavo: ['cable'],
  peripheriques: ['device'], gestionnaire: ['manager'], moniteur: ['monitor'], seriel: ['serial'], seriale: ['serial'], seriellen: ['serial'],
  // install, compile
  bibliotheque: ['library'], bibliotheques: ['library'], librairie: ['library'], bibliothek: ['library'], bibliotheken: ['library'], libreria: ['library'], librerie: ['library'],
  croquis: ['sketch'], ordner: ['folder'], cartella: ['folder'], paquet: ['package'], paket: ['package'], pacchetto: ['package'],
  compiler: ['compile'], kompilieren: ['compile'], kompiliert: ['compile'], compilare: ['compile'], compilazione: ['compile'],
  erreur: ['error'], erreurs: ['error'], fehler: ['error'], fehlermeldung: ['error'], errore: ['error'], errori: ['error'],
  echoue: ['fail'], echec: ['fail'], plante: ['crash', 'fail'], fehlgeschlagen: ['fail'], fallisce: ['fail'], fallito: ['fail'],
  // training
  entrainer: ['train'], entraine: ['train'], entrainement: ['training'], trainiert: ['train'], trainieren: ['train'], addestrare: ['train'], addestrato: ['train'], addestramento: ['training'],
  apprentissage: ['learning'], donnees: ['data'], daten: ['data'], datensatz: ['dataset'], dati: ['data'],
  genauigkeit: ['accuracy'], validierungsgenauigkeit: ['validation', 'accuracy'], accuratezza: ['accuracy'], precisione: ['accuracy'],
  perte: ['loss'], verlust: ['loss'], perdita: ['loss'], seuil: ['threshold'], schwellenwert: ['threshold'], soglia: ['threshold'],
  quantification: ['quantization'], quantifie: ['quantization'], quantisierung: ['quantization'], quantisiert: ['quantization'], quantizzazione: ['quantization'], quantizzato: ['quantization'],
  modele: ['model'], modeles: ['model'], modell: ['model'], modelle: ['model'], modells: ['model'], modello: ['model'], modelli: ['model'],
  couche: ['layer'], couches: ['layer'], schicht: ['layer'], schichten: ['layer'], strato: ['layer'], strati: ['layer'],
  sortie: ['output'], sorties: ['output'], ausgabe: ['output'], ausgange: ['output'], uscita: ['output'], uscite: ['output'],
  entree: ['input'], eingabe: ['input'], ingresso: ['input'],
  etiquette: ['label'], etiquettes: ['label', 'labels'], etichetta: ['label'], etichette: ['label', 'labels'], bezeichnungen: ['label', 'labels'],
  enregistrement: ['record'], enregistrements: ['record'], enregistre: ['record'], aufnahmen: ['record'], registrazioni: ['record'],
  // on the board
  memoire: ['memory'], speicher: ['memory'], arbeitsspeicher: ['ram', 'memory'], memoria: ['memory'],
  baguette: ['magic', 'wand'], zauberstab: ['magic', 'wand'], bacchetta: ['magic', 'wand'], geste: ['gesture'], gestes: ['gesture'], gesten: ['gesture'], gesto: ['gesture'], gesti: ['gesture'],
  personne: ['person'], kamera: ['camera'], fotocamera: ['camera'], telecamera: ['camera'], mikrofon: ['microphone'], microfono: ['microphone'],
  // the competition
  soumission: ['submission'], soumissions: ['submission'], soumettre: ['submit'], einreichung: ['submission'], einreichungen: ['submission'], einreichen: ['submit'], sottomissione: ['submission'], invio: ['submission'],
  concours: ['competition'], wettbewerb: ['competition'], gara: ['competition'], competizione: ['competition'], defi: ['challenge'], sfida: ['challenge'],
  classement: ['leaderboard', 'ranking'], rangliste: ['leaderboard', 'ranking'], bestenliste: ['leaderboard'], classifica: ['leaderboard', 'ranking'],
  // logistics
  certificat: ['certificate'], zertifikat: ['certificate'], certificato: ['certificate'], verifie: ['verified'], verifiziert: ['verified'], verificato: ['verified'],
  paiement: ['payment'], zahlung: ['payment'], bezahlt: ['payment', 'paid'], pagamento: ['payment'], pagato: ['payment', 'paid'],
  remboursement: ['refund'], rembourser: ['refund'], erstattung: ['refund'], ruckerstattung: ['refund'], erstatten: ['refund'], rimborso: ['refund'],
  inscription: ['enrol'], anmeldung: ['enrol'], iscrizione: ['enrol'], echeance: ['deadline'], frist: ['deadline'], scadenza: ['deadline'],
  cours: ['course'], kurs: ['course'], corso: ['course'], bewertung: ['grade'], voto: ['grade'], punteggio: ['score', 'grade'],
  // the material and its faults
  lien: ['link'], liens: ['link'], collegamento: ['link'], diapositives: ['slides'], folien: ['slides'], diapositive: ['slides'],
  soustitres: ['captions'], untertitel: ['captions'], sottotitoli: ['captions'], lezione: ['lecture'], vorlesung: ['lecture'],
  faute: ['typo', 'mistake'], coquille: ['typo'], frappe: ['typo'], tippfehler: ['typo'], refuso: ['typo'],
  casse: ['broken'], kaputt: ['broken'], rotto: ['broken'], inverses: ['swapped'], invertis: ['swapped'], vertauscht: ['swapped'], invertiti: ['swapped'], scambiati: ['swapped'],
  obsolete: ['outdated'], veraltet: ['outdated'], obsoleto: ['outdated'],
};

/** The glossary's English words for a text's French, German and Italian words. */
export function intlExpansions(text: string): string[] {
  const out = new Set<string>();
  for (const w of fold(stripElisions(text)).match(/[a-z]+/g) ?? []) {
    const e = Object.hasOwn(INTL_GLOSSARY, w) ? INTL_GLOSSARY[w]! : undefined;
    if (e) for (const x of e) out.add(x);
  }
  return [...out];
}
