/**
 * Course glossary: words learners use → words the material uses. Two jobs: English synonyms and
 * abbreviations ("com port" → port, "tflm" → tensorflow lite micro), and Spanish/Portuguese course
 * vocabulary → English, because the material only exists in English. Keys are lower-case without
 * accents; a value lists the English words the key stands for. Extend it from real questions that
 * missed, not from the test sample.
 */
export const GLOSSARY: Readonly<Record<string, readonly string[]>> = {
  // English synonyms and abbreviations
  com: ['port'], comport: ['port'], tty: ['port', 'serial'], ttyacm: ['port', 'serial'], usb: ['cable', 'port'],
  detected: ['detect', 'show', 'port'], detect: ['detect', 'show', 'port'],
  // Not the port: a keyword, a gesture or a person is "recognised" as often as a board is.
  recognized: ['recognize', 'detect'], recognised: ['recognize', 'detect'], recognize: ['recognize', 'detect'], recognise: ['recognize', 'detect'], recognizes: ['recognize', 'detect'], recognises: ['recognize', 'detect'], greyed: ['port', 'grey'], grayed: ['port', 'grey'],
  flash: ['flash', 'upload'], flashing: ['upload'], uploading: ['upload'], bossac: ['upload', 'bossac'],
  tflm: ['tensorflow', 'lite', 'micro'], tflite: ['tflite', 'tensorflow', 'lite'], tfl: ['tflite'], tf: ['tensorflow'], tensorflowlite: ['tensorflow', 'lite'],
  int8: ['int8', 'integer', 'quantization'], uint8: ['int8', 'integer'], quantize: ['quantization'], quantized: ['quantization'], quantise: ['quantization'], quantised: ['quantization'],
  float: ['float'], float32: ['float'], fp32: ['float'], ptq: ['post', 'training', 'quantization'], qat: ['quantization', 'aware', 'training'],
  arena: ['arena', 'tensor'], ram: ['ram', 'memory', 'arena'], memory: ['memory', 'arena', 'ram'], sram: ['ram', 'memory'],
  kws: ['keyword', 'spotting', 'kws'], keyword: ['keyword', 'kws'], keywords: ['keyword', 'kws'], wake: ['wake', 'keyword'], hotword: ['keyword', 'kws'],
  vww: ['visual', 'wake', 'words', 'vww', 'person'], person: ['person', 'vww'],
  anomaly: ['anomaly'], autoencoder: ['autoencoder', 'anomaly'],
  gesture: ['gesture', 'magic', 'wand'], gestures: ['gesture', 'magic', 'wand'], accelerometer: ['imu'], gyroscope: ['imu'], imu: ['imu', 'lsm9ds1'],
  mic: ['microphone'], microphone: ['microphone'], audio: ['audio', 'microphone'], cam: ['camera'], ov7675: ['ov7675', 'camera'], ov7670: ['ov7670', 'camera'],
  gpu: ['gpu', 'colab'], notebook: ['colab', 'notebook'], colab: ['colab'], disconnect: ['disconnect'], disconnected: ['disconnect'], timeout: ['disconnect'],
  cert: ['certificate'], certificate: ['certificate'], certification: ['certificate'], audit: ['audit'], verified: ['verified', 'certificate'],
  leaderboard: ['leaderboard'], ranking: ['leaderboard', 'ranking'], submit: ['submit', 'submission'], submission: ['submission'], submissions: ['submission'], quota: ['quota'], deadline: ['deadline'],
  competition: ['competition', 'capstone'], challenge: ['competition', 'challenge'], contest: ['competition'],
  dataset: ['dataset'], data: ['data'], samples: ['sample', 'record'], record: ['record'], recording: ['record'],
  convert: ['convert', 'converter'], conversion: ['convert', 'converter'], converter: ['converter'], keras: ['keras'], h5: ['keras'],
  library: ['library'], libraries: ['library'], lib: ['library'], package: ['package'], boards: ['board'],
  led: ['led'], leds: ['led'], blink: ['blink', 'led'], slow: ['slow', 'latency'], latency: ['latency', 'slow'],
  rev2: ['rev2'], bmi270: ['rev2', 'imu'], lsm9ds1: ['lsm9ds1', 'imu'],
  consent: ['consent', 'privacy'], privacy: ['privacy'], bias: ['bias'], ethics: ['responsible', 'ethic'],
  discord: ['discord'], forum: ['forum'], threshold: ['threshold'], mfcc: ['mfcc', 'feature'], spectrogram: ['spectrogram', 'feature'],
  xxd: ['xxd', 'array'], header: ['array', 'header'], carray: ['array'],

  // Course material as learners name it (item kinds, topics, abbreviations the outline spells out)
  practical: ['colab', 'exercise'], exercise: ['exercise', 'colab'], exercises: ['exercise', 'colab'], lab: ['lab', 'colab'], labs: ['lab', 'colab'], assignment: ['assignment', 'colab'], pset: ['assignment', 'colab'],
  ipynb: ['colab', 'notebook'], jupyter: ['notebook', 'colab'], screencast: ['screencast', 'video'], walkthrough: ['screencast'], lecture: ['slides', 'video'], deck: ['slides'], pdf: ['reading', 'slides'],
  unit: ['section'], module: ['section'], chapter: ['section'], lesson: ['section'], taught: ['section'],
  wakeword: ['keyword', 'spotting'], hotwords: ['keyword', 'spotting'], spotting: ['keyword', 'spotting'],
  dnn: ['deep', 'neural', 'network'], cnn: ['cnn', 'convolutional', 'convolution'], cnns: ['cnn', 'convolutional', 'convolution'], convnet: ['cnn', 'convolutional', 'convolution'], convnets: ['cnn', 'convolutional', 'convolution'], cpp: ['cplusplus'], nn: ['neural', 'network'],
  mlops: ['mlops', 'operations'], drift: ['drift', 'monitoring'], pruning: ['pruning', 'model', 'conversion'], clustering: ['clustering'], federated: ['federated', 'learning'], adversarial: ['adversarial', 'attacking'],
  fairness: ['fairness', 'bias', 'responsible'], kmeans: ['k', 'means'], wit: ['what', 'if', 'tool'], lifecycle: ['lifecycle', 'workflow'], docker: ['docker', 'container'], containers: ['container'],
  flip: ['augmentation'], flipping: ['augmentation'], rotate: ['augmentation'], rotating: ['augmentation'], rotation: ['augmentation'], augment: ['augmentation'], augmented: ['augmentation'], aumento: ['augmentation'], aumentacion: ['augmentation'],
  passa: ['pass'], submissao: ['submission'], submissoes: ['submission'], acontece: ['happen'], federado: ['federated'], federada: ['federated'], federados: ['federated'],
  big: ['size', 'big'], bigger: ['size', 'big'], incluye: ['contain', 'include'], inclui: ['contain', 'include'], drops: ['drop', 'lose'], dropped: ['drop', 'lose'],
  buy: ['sell', 'order'], buying: ['sell', 'order'], purchase: ['sell', 'order'], comprar: ['sell', 'order'], price: ['sell', 'order'], cost: ['sell', 'order'], precio: ['sell', 'order'], preco: ['sell', 'order'], sent: ['send'], anywhere: ['somewhere'],
  aid: ['assistance'], scored: ['score', 'metric'], scoring: ['score', 'metric'],
  piscando: ['blink', 'led', 'breathing'], parpadeando: ['blink', 'led', 'breathing'], devagar: ['slow', 'slowly'], despacio: ['slow', 'slowly'], duplo: ['double'], doble: ['double'],
  queda: ['drop', 'lose'],
  raras: ['garbled', 'wrong'], raros: ['garbled', 'wrong'], mezclados: ['garbled'], misturadas: ['garbled'], colores: ['colour', 'color'], cores: ['colour', 'color'], garbled: ['garbled', 'wrong'],
  acc: ['accuracy'], val: ['validation'], primer: ['introduction'], refresher: ['recap', 'review'],
  pictures: ['images', 'image'], picture: ['image', 'images'], photos: ['images', 'image'], pics: ['images'], fotos: ['images', 'image'], box: ['kit'], comes: ['contain'], included: ['contain'], includes: ['contain'],
  horses: ['horses', 'humans', 'complex', 'images'], humans: ['horses', 'humans'], masks: ['mask', 'transfer', 'learning'], mask: ['mask', 'transfer', 'learning'],
  // Topics as learners describe them rather than by the outline's names (a dataset by what it holds, a technique by its mechanism)
  factory: ['industry', 'anomaly', 'mimii'], factories: ['industry', 'anomaly', 'mimii'], industrial: ['industry', 'mimii'], machines: ['machine', 'mimii'], machinery: ['machine', 'mimii'],
  pumps: ['mimii', 'machine'], valves: ['mimii', 'machine'], fans: ['mimii', 'machine'], faulty: ['anomaly'], malfunction: ['anomaly'], defects: ['anomaly'],
  languages: ['multilingual', 'language'], multilingual: ['multilingual'], idiomas: ['multilingual', 'language'], linguas: ['multilingual', 'language'],
  together: ['multi', 'tenant'], simultaneously: ['multi', 'tenant'], multitenant: ['multi', 'tenant'], multitenancy: ['multi', 'tenant'],
  paper: ['paper', 'reading'], papers: ['paper', 'reading'], article: ['reading'], artigo: ['reading', 'paper'], articulo: ['reading', 'paper'],
  handson: ['colab', 'exercise'], notebooks: ['colab', 'notebook'], cuadernos: ['notebook', 'colab'], cadernos: ['notebook', 'colab'],
  flatbuffer: ['flatbuffer'], flatbuffers: ['flatbuffer'], distillation: ['distillation', 'student', 'teacher'], teacher: ['teacher', 'student', 'distillation'],
  attack: ['attacking', 'adversarial'], attacks: ['attacking', 'adversarial'], ataques: ['attacking', 'adversarial'], adversariais: ['adversarial', 'attacking'], adversariales: ['adversarial', 'attacking'],
  mobilenet: ['mobilenet'], depthwise: ['depthwise', 'mobilenet'], histogram: ['distribution', 'weight'], histograms: ['distribution', 'weight'],
  aas: ['tinymlaas'], service: ['service', 'tinymlaas'], benchmark: ['benchmark', 'mlperf'], benchmarks: ['benchmark', 'mlperf'],
  auditar: ['audit'], auditoria: ['audit'], auditando: ['audit'], verificado: ['verified', 'certificate'], verificada: ['verified', 'certificate'], track: ['track'],
  sonidos: ['sound', 'audio'], sons: ['sound', 'audio'], sounds: ['sound', 'audio'], maquinas: ['machine', 'mimii'],
  '7670': ['ov7670', 'camera'], '7675': ['ov7675', 'camera'], tfds: ['tfds', 'tensorflow', 'datasets'],
  // Spanish/Portuguese/Hindi-English names of course material and topics
  lectura: ['reading'], leitura: ['reading'], video: ['video'], videos: ['video'], diapositivas: ['slides'], ejercicio: ['exercise', 'colab'], exercicio: ['exercise', 'colab'], laboratorio: ['lab', 'colab'], practica: ['exercise', 'colab'], pratica: ['exercise', 'colab'],
  unidad: ['section'], unidade: ['section'], modulo: ['section'], capitulo: ['section'], material: ['material'], explican: ['explain'], explicam: ['explain'],
  poda: ['pruning'], deriva: ['drift'], monitoramento: ['monitoring'], monitoreo: ['monitoring'], sesgos: ['bias'], equidad: ['fairness'], equidade: ['fairness'], mascaras: ['mask', 'transfer', 'learning'], camadas: ['layers'], capas: ['layers'], congelo: ['freeze'],
  convolucion: ['convolution', 'filters'], convolucoes: ['convolution', 'filters'], convolucao: ['convolution', 'filters'], filtros: ['filters'], imagenes: ['images'], imagens: ['images'], arquitectura: ['architecture'], arquitetura: ['architecture'], aplicacion: ['application'], aplicacao: ['application'],
  kaha: ['where'], milega: ['find'], samajhna: ['understand'], wala: ['the'], wali: ['the'],

  // Spanish
  placa: ['board'], tarjeta: ['board'], puerto: ['port'], puertos: ['port'], detecta: ['detect'], reconoce: ['detect', 'recognize'], aparece: ['show', 'appear'],
  cable: ['cable'], subir: ['upload'], cargar: ['upload'], carga: ['upload'], sube: ['upload'], error: ['error', 'fail'], falla: ['fail'], fallo: ['fail'],
  modelo: ['model'], modelos: ['model'], entrenar: ['train'], entrenamiento: ['training'], entreno: ['training'], cuantizacion: ['quantization'], cuantizar: ['quantization'], cuantizado: ['quantization'],
  memoria: ['memory', 'ram'], tamano: ['size'], grande: ['big', 'large'], cabe: ['fit'], caber: ['fit'], espacio: ['size', 'space'],
  camara: ['camera'], microfono: ['microphone'], sensor: ['sensor'], sensores: ['sensor'], acelerometro: ['imu'],
  biblioteca: ['library'], bibliotecas: ['library'], libreria: ['library'], librerias: ['library'], instalar: ['install'], instalo: ['install'], instalacion: ['install'], paquete: ['package'],
  palabra: ['keyword'], palabras: ['keyword'], clave: ['keyword'], voz: ['voice', 'audio'], grabar: ['record'], grabaciones: ['record'], muestras: ['sample'], datos: ['data', 'dataset'], conjunto: ['dataset'],
  persona: ['person'], personas: ['person', 'people'], deteccion: ['detection'], anomalias: ['anomaly'], anomalia: ['anomaly'], umbral: ['threshold'],
  convertir: ['convert'], enviar: ['submit', 'submission'], envio: ['submission'], envios: ['submission'], concurso: ['competition'], competencia: ['competition'], tabla: ['leaderboard'], clasificacion: ['leaderboard', 'ranking'],
  certificado: ['certificate'], gratis: ['free', 'audit'], gratuito: ['free', 'audit'], pagar: ['pay', 'verified'], curso: ['course'], cursos: ['course'], kit: ['kit'],
  desconecta: ['disconnect'], desconecto: ['disconnect'], desconectou: ['disconnect'], desconectado: ['disconnect'], desconectada: ['disconnect'], caiu: ['disconnect'], continuar: ['resume', 'continue'], retomar: ['resume', 'continue'],
  etiqueta: ['label'], etiquetas: ['label', 'labels'], rotulo: ['label'], rotulos: ['label', 'labels'], viejas: ['old'], antigas: ['old'], mostrando: ['show'], cambio: ['change'], cambie: ['change'], muda: ['change'], mudar: ['change'], versao: ['version'], version: ['version'], donde: ['where'], preguntar: ['ask'], foro: ['forum'],
  precision: ['accuracy'], exactitud: ['accuracy'], funciona: ['work'], lento: ['slow'], luz: ['led'], luces: ['led'], permiso: ['permission'], denegado: ['denied'],
  flotante: ['float'], entero: ['integer', 'int8'], enteros: ['integer', 'int8'], rechazado: ['rejected'], rechazo: ['rejected'], arreglo: ['array'],
  gestos: ['gesture'], varita: ['wand', 'magic'], monitor: ['monitor'], serie: ['serial'], serial: ['serial'], nada: ['nothing'], salida: ['output'],
  transferencia: ['transfer'], aprendizaje: ['learning'], privacidad: ['privacy'], consentimiento: ['consent'], sesgo: ['bias'], operacion: ['op'], operador: ['op'],

  espectrograma: ['spectrogram'], espectrogramas: ['spectrogram'], diferencia: ['difference'], convierto: ['convert'], matriz: ['array'],
  veces: ['times', 'quota'], dia: ['day', 'daily'], diario: ['daily'], diarios: ['daily'], limite: ['limit', 'quota'], cuantos: ['many'], cuantas: ['many'],
  semana: ['week'], fecha: ['date', 'deadline'], plazo: ['deadline'], privada: ['private'], publica: ['public'], final: ['final'],

  // Spanish/Portuguese/Hindi-English words for the competition, logistics and on-device behaviour
  placar: ['leaderboard'], congelado: ['frozen', 'freeze'], congelada: ['frozen', 'freeze'], congelou: ['frozen', 'freeze'], intento: ['attempt', 'quota'], intentos: ['attempt', 'quota'], tentativa: ['attempt', 'quota'], tentativas: ['attempt', 'quota'],
  etapa: ['stage'], desafio: ['challenge', 'competition'], reto: ['challenge', 'competition'], equipo: ['team'], equipe: ['team'], puntaje: ['score'], puntuacion: ['score'], pontuacao: ['score'], nota: ['grade', 'score'],
  inscripcion: ['enrol'], inscricao: ['enrol'], matricula: ['enrol'], pagamento: ['payment'], pago: ['payment', 'verified'], cuenta: ['account'], conta: ['account'], contrasena: ['password'], senha: ['password'],
  subtitulos: ['subtitles', 'captions'], legendas: ['subtitles', 'captions'], enlace: ['link'], roto: ['broken'], quebrado: ['broken'], errata: ['typo'], cuestionario: ['quiz'], questionario: ['quiz'], tarea: ['assignment'], tarefa: ['assignment'], cuaderno: ['notebook', 'colab'], caderno: ['notebook', 'colab'],
  siempre: ['always'], sempre: ['always'], todo: ['all'], tiempo: ['time'], nadie: ['nobody'], ninguem: ['nobody'], habla: ['speak'], fala: ['speak'], detectando: ['detect'], prediccion: ['prediction'], predicao: ['prediction'],
  parpadea: ['blink', 'led'], pisca: ['blink', 'led'], naranja: ['orange'], laranja: ['orange'], encendido: ['on'], ligado: ['on'], carrega: ['charge'], celular: ['phone'],
  entrenando: ['training'], treinando: ['training'], epocas: ['epoch'], perdida: ['loss'], perda: ['loss'], funcion: ['function'], funcao: ['function'], pesos: ['weights', 'weight'], peso: ['weight'], histograma: ['distribution', 'weight'], pos: ['post'], validacion: ['validation'], validacao: ['validation'], propias: ['own'], proprias: ['own'],
  // Hindi-English (Latin script)
  nahi: ['not'], nahin: ['not'], hota: ['is'], karo: ['do'], kaise: ['how'], kya: ['what'], kab: ['when'], kahan: ['where'], chahiye: ['need'], galti: ['mistake'], bina: ['without'], dikh: ['show'], dikha: ['show'], chal: ['run'], raha: ['is'], rahi: ['is'], aa: ['come'],

    // Portuguese
  porta: ['port'], portas: ['port'], reconhece: ['detect', 'recognize'], aparecer: ['show', 'appear'],
  treinar: ['train'], treinamento: ['training'], treino: ['training'], quantizacao: ['quantization'], quantizar: ['quantization'], quantizado: ['quantization'],
  tamanho: ['size'], microfone: ['microphone'], instalacao: ['install'], pacote: ['package'],
  chave: ['keyword'], gravar: ['record'], gravacoes: ['record'], amostras: ['sample'], dados: ['data', 'dataset'], deteccao: ['detection'], limiar: ['threshold'],
  conversao: ['convert'], competicao: ['competition'],
  onde: ['where'], perguntar: ['ask'], precisao: ['accuracy'], acuracia: ['accuracy'], permissao: ['permission'], negada: ['denied'],
  inteiro: ['integer', 'int8'], inteiros: ['integer', 'int8'], rejeitado: ['rejected'], rejeitada: ['rejected'], varinha: ['wand', 'magic'], saida: ['output'],
  aprendizado: ['learning'], privacidade: ['privacy'], consentimento: ['consent'], vies: ['bias'],
  arduino: ['arduino'], baixar: ['download'], carregar: ['upload'], carregamento: ['upload'], falha: ['fail'], erro: ['error'], encontrado: ['found'], encontra: ['found'],
  palavra: ['keyword'], palavras: ['keyword'], diferenca: ['difference'], converto: ['convert'], lenta: ['slow'], vezes: ['times', 'quota'], quantas: ['many'], quantos: ['many'], prazo: ['deadline'], semanal: ['weekly'], camera: ['camera'],
};

/** The glossary's expansions of a word (own keys only: "constructor" must not reach Object.prototype). */
export function expansionsOf(word: string): readonly string[] {
  return Object.hasOwn(GLOSSARY, word) ? GLOSSARY[word]! : [];
}

/** Words that carry no topic in any of the three languages (accents removed). */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    // English
    'a an the and or but if of to in on at by for with from as is are was were be been being am do does did doing have has had ' +
    'i me my mine we our you your he she it its they them their this that these those there here what which who whom whose when where why how ' +
    'can could should would will shall may might must not no yes so than then too very just also only any some all each every about into over ' +
    'after before again still even get got getting gets use used using need needs want wanted try tried trying please help thanks thank hi hello ' +
    'anyone someone something anything know make made work works working way one two lot really ok okay like im ive dont doesnt cant didnt isnt ' +
    'though although through even everything everyone since while because until without within between also yet whether either neither instead ' +
    // Not "many", "more", "less": "how many submissions" is what quota questions hinge on.
    'would could might shall other others another such same own thing things stuff guys folks ' +
    // Spanish
    'el la los las un una unos unas y o pero si de del al en con por para como que qué es son esta estan este esto estos ese eso mi mis tu tus su sus ' +
    'yo me te se le lo nos hay tengo tiene tienen hacer hago puedo puede pueden cual cuales cuando donde porque muy mas ya no sin sobre hola gracias ayuda alguien ' +
    // Portuguese
    'o os as um uma uns umas e ou mas se de do da dos das no na nos nas em com por para como que e sao esta estao este isso meu minha meus minhas seu sua ' +
    'eu voce tenho tem fazer faco posso pode podem qual quais quando onde porque muito mais ja nao sem sobre ola obrigado obrigada ajuda alguem ao aos pelo pela' +
    // Hindi-English (Latin script): postpositions, auxiliaries, pronouns, question words
    ' fica depois despues antes luego entao entonces alguma algum alguns algumas coisa coisas alguna alguno algunos algo cosa cosas hai hain ho hoon hun tha thi raha rahi rahe ka ki ke ko mein se pe bhi aur ya kya kaise kyun kyu kab kahan kaha nahi nahin ye yeh wo woh koi kuch sab baar ' +
    'kar karna karu karun kiya kiye karte karta karti gaya gayi gaye diya hota hoti hote wala wali wale abhi phir jab tab toh bahut bohot mujhe mera meri mere maine hum humne aap apna apni apne tum beech'
  ).split(/\s+/),
);
