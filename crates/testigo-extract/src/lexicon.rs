//! Bilingual (English/Spanish) cue lexicon and a fast phrase matcher over folded tokens.
//!
//! The lexicon is data: [`LEXICON`] lists one cue class per line, `CLASS<TAB>phrase|phrase|…`.
//! A phrase is a sequence of folded words separated by spaces; a word ending in `*` matches
//! any word with that prefix. Both languages share one table: folded Spanish and English words
//! seldom collide, and where they do the entry is left out.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use testigo_core::{ActorCategory, Harm, Language, Stance};

use crate::text::{word_hash, Doc};

/// FNV-1a: a tiny, fast hasher for short keys (std's SipHash is needlessly slow here).
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf29ce484222325 } else { self.0 };
        for b in bytes {
            h ^= *b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        self.0 = h;
    }
}

/// HashMap with [`Fnv`].
pub type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// Folded words keyed by their [`word_hash`], in one open-addressing table: a lookup tests one
/// bit of a filter of at least 16 bits per key (which answers most misses), then reads slots
/// holding the hash, the value and where the key's bytes are in one contiguous pool, so a hit
/// costs two memory reads, not the four pointer hops of a map of vectors of boxed strings.
struct WordTable<V> {
    /// Power-of-two length, at most half full; linear probing from the hash's top bits.
    slots: Vec<Slot<V>>,
    /// Every key's bytes, one after another.
    pool: String,
    /// Bit `h >> filter_shift` is set for every key's hash `h`: `8 × slots.len()` bits, at
    /// least 4,096.
    filter: Vec<u64>,
    filter_shift: u32,
    len: usize,
}

#[derive(Clone, Copy)]
struct Slot<V> {
    hash: u64,
    /// Key bytes `pool[start..start + len]`; `start == u32::MAX` marks an empty slot.
    start: u32,
    len: u32,
    value: V,
}

impl<V: Default> Slot<V> {
    fn empty() -> Slot<V> {
        Slot { hash: 0, start: u32::MAX, len: 0, value: V::default() }
    }
}

impl<V: Copy + Default> WordTable<V> {
    fn new() -> WordTable<V> {
        WordTable { slots: vec![Slot::empty(); 16], pool: String::new(), filter: vec![0; 64], filter_shift: 64 - 12, len: 0 }
    }

    /// (word, mask) of `h`'s filter bit.
    #[inline(always)]
    fn filter_bit(&self, h: u64) -> (usize, u64) {
        let k = (h >> self.filter_shift) as usize;
        (k >> 6, 1u64 << (k & 63))
    }

    #[inline]
    fn home(&self, h: u64) -> usize {
        // The top bits: `word_hash`'s low bits depend only on the words' first bytes.
        (h >> (64 - self.slots.len().trailing_zeros())) as usize
    }

    /// The slot index holding `w`, or the empty slot where it would go. Inlined into
    /// `get_probed`, which most lookups that pass the filter call: one call per hit, not two.
    #[inline(always)]
    fn probe(&self, h: u64, w: &str) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = self.home(h);
        loop {
            let s = &self.slots[i];
            // Equal hashes of equal-length words of at most eight bytes mean equal words (see
            // `word_hash`): only longer words compare bytes.
            if s.start == u32::MAX
                || (s.hash == h && s.len as usize == w.len() && (w.len() <= 8 || self.pool.get(s.start as usize..(s.start + s.len) as usize) == Some(w)))
            {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// The value of `w` (whose [`word_hash`] is `h`), if it is a key. The filter test is
    /// inlined into callers; the probe is not (most lookups end at the filter).
    #[inline(always)]
    fn get(&self, h: u64, w: &str) -> Option<V> {
        let (k, bit) = self.filter_bit(h);
        if self.filter.get(k).is_none_or(|f| f & bit == 0) {
            return None;
        }
        self.get_probed(h, w)
    }

    #[inline(never)]
    fn get_probed(&self, h: u64, w: &str) -> Option<V> {
        let s = &self.slots[self.probe(h, w)];
        (s.start != u32::MAX).then_some(s.value)
    }

    /// The value of `w`, inserting `make()` first when it is not a key yet.
    fn get_or_insert(&mut self, w: &str, make: impl FnOnce() -> V) -> V {
        let h = word_hash(w);
        if let Some(v) = self.get(h, w) {
            return v;
        }
        if (self.len + 1) * 2 > self.slots.len() {
            // Twice the slots and a filter to match; every key placed again.
            let grown = vec![Slot::empty(); self.slots.len() * 2];
            let old = std::mem::replace(&mut self.slots, grown);
            let bits = (self.slots.len() * 8).max(4096);
            self.filter = vec![0; bits / 64];
            self.filter_shift = 64 - bits.trailing_zeros();
            self.len = 0;
            for s in old.into_iter().filter(|s| s.start != u32::MAX) {
                self.place(s);
            }
        }
        let value = make();
        let start = self.pool.len() as u32;
        self.pool.push_str(w);
        self.place(Slot { hash: h, start, len: w.len() as u32, value });
        value
    }

    /// Puts a key (already in the pool, not yet in the slots) into its slot and the filter.
    fn place(&mut self, s: Slot<V>) {
        let key = self.pool.get(s.start as usize..(s.start + s.len) as usize).unwrap_or_default();
        let i = self.probe(s.hash, key);
        self.slots[i] = s;
        let (k, bit) = self.filter_bit(s.hash);
        self.filter[k] |= bit;
        self.len += 1;
    }
}

/// A set of folded words given as a static list, hashed on first use into a [`WordTable`]: one
/// probe per lookup (a long `matches!` over strings compares one arm after another), and before
/// it a test of one bit of a filter of the words' hashes, which answers most misses.
pub struct WordSet {
    source: WordSource,
    set: std::sync::OnceLock<WordTable<()>>,
}

/// The filter bit of a word hash: (word, mask) in a `[u64; 64]`.
#[inline]
fn filter_bit(h: u64) -> (usize, u64) {
    let k = (h >> 52) as usize;
    (k >> 6, 1u64 << (k & 63))
}

/// Where a [`WordSet`]'s words come from.
enum WordSource {
    Static(&'static [&'static str]),
    Built(fn() -> Vec<&'static str>),
}

impl WordSet {
    /// A set of `words` (folded forms).
    pub const fn new(words: &'static [&'static str]) -> WordSet {
        WordSet { source: WordSource::Static(words), set: std::sync::OnceLock::new() }
    }

    /// A set of the words `build` returns (called once, on first use).
    pub const fn built(build: fn() -> Vec<&'static str>) -> WordSet {
        WordSet { source: WordSource::Built(build), set: std::sync::OnceLock::new() }
    }

    /// True when `w` is one of the words.
    pub fn contains(&self, w: &str) -> bool {
        self.contains_hashed(word_hash(w), w)
    }

    /// [`WordSet::contains`] for a word whose [`word_hash`] is known (see [`Doc::h`]); `h` must
    /// be `word_hash(w)` (short words are told apart by their hash alone).
    pub fn contains_hashed(&self, h: u64, w: &str) -> bool {
        let set = self.set.get_or_init(|| {
            let mut t = WordTable::new();
            let words = match self.source {
                WordSource::Static(w) => w.to_vec(),
                WordSource::Built(f) => f(),
            };
            for w in words {
                t.get_or_insert(w, || ());
            }
            t
        });
        set.get(h, w).is_some()
    }

    /// [`WordSet::contains`] for token `i` of `doc`.
    pub fn contains_token(&self, doc: &Doc<'_>, i: usize) -> bool {
        self.contains_hashed(doc.h(i), doc.f(i))
    }
}

/// Folded words with a byte of flags each (which lists they are on), given as a list built on
/// first use and hashed into a `WordTable`: one lookup answers several [`WordSet`]-like
/// questions at once (see [`crate::text::Token::marks`]).
pub struct WordMarks {
    build: fn() -> Vec<(&'static str, u8)>,
    table: std::sync::OnceLock<WordTable<u8>>,
}

impl WordMarks {
    /// The words `build` returns with their flags (called once, on first use); the flags of a
    /// word listed several times are ORed together.
    pub const fn built(build: fn() -> Vec<(&'static str, u8)>) -> WordMarks {
        WordMarks { build, table: std::sync::OnceLock::new() }
    }

    /// The flags of `w` (0 when it is not listed); `h` must be `word_hash(w)` (short words are
    /// told apart by their hash alone).
    #[inline]
    pub fn get_hashed(&self, h: u64, w: &str) -> u8 {
        let table = self.table.get_or_init(|| {
            let mut merged: FnvMap<&'static str, u8> = FnvMap::default();
            let mut order = Vec::new();
            for (w, flags) in (self.build)() {
                let m = merged.entry(w).or_insert_with(|| {
                    order.push(w);
                    0
                });
                *m |= flags;
            }
            let mut t = WordTable::new();
            for w in order {
                let flags = merged.get(w).copied().unwrap_or(0);
                t.get_or_insert(w, || flags);
            }
            t
        });
        table.get(h, w).unwrap_or(0)
    }
}

/// Folded words with a number each, given as a static list and hashed on first use into a
/// `WordTable` (like [`WordSet`]): one probe per lookup, with the token's hash at hand.
pub struct WordValues {
    pairs: &'static [(&'static str, u32)],
    table: std::sync::OnceLock<WordTable<u32>>,
}

impl WordValues {
    /// The words of `pairs` with their values (a word listed twice keeps its first value).
    pub const fn new(pairs: &'static [(&'static str, u32)]) -> WordValues {
        WordValues { pairs, table: std::sync::OnceLock::new() }
    }

    /// The value of `w`, if listed.
    pub fn get(&self, w: &str) -> Option<u32> {
        self.get_hashed(word_hash(w), w)
    }

    /// [`WordValues::get`] for a word whose [`word_hash`] is known (see [`Doc::h`]); `h` must
    /// be `word_hash(w)` (short words are told apart by their hash alone).
    #[inline]
    pub fn get_hashed(&self, h: u64, w: &str) -> Option<u32> {
        let table = self.table.get_or_init(|| {
            let mut t = WordTable::new();
            for &(w, v) in self.pairs {
                t.get_or_insert(w, || v);
            }
            t
        });
        table.get(h, w)
    }
}

/// What a cue signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    /// A completed harmful act (verbs, participles): can start an incident.
    Harm(Harm),
    /// An act that marks an attack without a specific harm ("attacked", "ambushed").
    AttackAct,
    /// A nominal or generic mention ("the attack", "violence", "killings"): relevant to an
    /// incident already reported, never starts one.
    Weak(Option<Harm>),
    /// Actions of perpetrators that tie a sentence to the incident ("surrounded", "pursued").
    Related,
    /// A perpetrator phrase.
    Perp(ActorCategory),
    /// A victim noun; `u8` bit flags: 1 plural, 2 male, 4 female, 8 minor, 16 migrant.
    Victim(u8),
    /// Negation of what follows ("no", "nadie", "sin").
    Neg,
    /// A whole phrase that says nobody was hurt/killed ("no one was hurt", "sin heridos"):
    /// the harm is the one given.
    NoneHarmed(Harm),
    /// Hypothetical, future or planned ("could", "threatened to", "podría").
    Hyp,
    /// A reporting verb ("said", "afirmó").
    Say,
    /// "according to", "según".
    According,
    /// Words that say the speaker disputes something ("lie", "false", "mentira").
    Deny,
    /// Speaker kind words.
    Speaker(Stance),
    /// Weapons ("gun", "arma").
    Weapon,
    /// Shooting-first / aggression by the victim ("began shooting", "opened fire first").
    VictimFired,
    /// Locative preposition ("in", "en", "near").
    LocIn,
    /// "near", "outside", "cerca de": geo_precision 2.
    LocNear,
    /// Origin ("from", "procedente de").
    LocFrom,
    /// Destination ("to", "hacia").
    LocTo,
    /// Allegation markers ("allegedly", "presuntamente").
    Alleged,
    /// Protest activity.
    Protest,
    /// Riot or mob violence.
    Riot,
    /// Armed clash between organised armed groups.
    Clash,
    /// Explosives, shelling, air strikes.
    Explosion,
    /// Seizures of goods, weapons or drugs by state forces (ACLED: strategic developments).
    Seizure,
    /// Custody context ("in custody", "estación migratoria").
    Custody,
    /// Words that mark a new, different incident ("another", "second", "otro").
    Another,
    /// Words that refer back to the incident ("the attack", "the victim", "los hechos").
    Anaphor,
    /// A demonym; the number indexes the extractor's table of ISO codes.
    Demonym(u16),
    /// People taken away without an abduction verb ("taken off a bus", "forced into pickup
    /// trucks", "se llevó a", "seized three brothers"): an abduction when an armed group
    /// (not state forces) does it to people.
    TakenAway,
}

/// The lexicon, one cue class per line.
pub const LEXICON: &str = r"
# --- harms: completed acts (strong) ---
killing	killed|murdered|dies|muere|mueren|fallece|abatid*|abatieron|died of his injuries|died of her injuries|died of their injuries|murio a causa de sus heridas|murio por sus heridas|shot to death|shot in the head and killed|human remains|restos humanos|death toll|the toll|toll|balance de muertos|cifra de muertos|numero de muertos|saldo de|fosa clandestina|fosas clandestinas|mass grave|clandestine grave|cuerpos fueron hallados|cuerpos fue hallada|fueron hallados sin vida|bodies were found|bodies found|body of a|body of an|bodies of|the body of|dismembered body|dismembered|found floating|found murdered|cuerpo de un|cuerpo de una|cuerpos de|restos de|remains of|desmembrad*|encontrado sin vida|hallado sin vida|hallada sin vida|encontrada sin vida|slain|gunned down|gunning down|shot dead|shot and killed|beaten to death|stabbed to death|hacked to death|executed|found dead|was found dead|bodies were found|body was found|body was recovered|bodies were recovered|died|dead|lost their lives|lost his life|lost her life|killing him|killing her|asesinad*|asesinaron|asesino a|mataron|mato a|matando|muerto|muerta|muertos|muertas|murio|murieron|fallecio|fallecieron|fallecid*|sin vida|ultimad*|ultimaron|ejecutad*|ejecutaron|dieron muerte|perdio la vida|perdieron la vida|cadaver|cadaveres|decapitad*|beheaded|massacred|masacre|massacre|fatalities|fatality|victima mortal|victimas mortales|homicide victim|lynched|linchad*|lincharon|recuperaron un cuerpo|recuperaron el cuerpo|recuperaron los cuerpos|recovered a body|recovered the body|recovered the bodies|asesino|mato|fallecieran|murieran|have since died|has since died|died later|later died|privado de la vida|privada de la vida|privados de la vida|privadas de la vida|privo de la vida|privaron de la vida|privar de la vida|strangled|strangled to death|strangulated|estrangulado|estrangulada|estrangulados|estranguladas|estrangularon|estrangulo|muriera|falleciera|cifra de fallecidos|numero de fallecidos|saldo de fallecidos|cifra de victimas mortales|aparecieron muertos|aparecieron muertas|aparecio muerto|aparecio muerta|aparecieron sin vida|aparecio sin vida|died in hospital|died in the hospital|died at the hospital|murio en el hospital|murio dias despues|mas tarde murio|he died|she died
shooting	shot|opened fire|fired at|fired on|firing|gunfire|gunshot*|shooting at|shots|disparos|dispararon|disparo contra|dispararle|dispararles|balead*|balearon|balacera|abrieron fuego|a balazos|a tiros|tiroteo|tirotearon|baleado|drive-by|rounds at|shots at|bullets at|rounds into|shots into|fired rounds|fired shots|disparos contra|balazos contra|dispararon contra|rafagas|rafaga
injury	hit by gunfire|hit by a bullet|hit by bullets|struck by a bullet|struck by gunfire|struck by bullets|wounded by gunfire|alcanzado por una bala|alcanzada por una bala|alcanzado por disparos|alcanzada por disparos|alcanzado por las balas|were treated for|atendidos por heridas|atendidas por heridas|atendidos por lesiones|atendidas por lesiones|punched|kicked|tasered|pistol-whipped|clubbed|pepper-sprayed|broke his jaw|breaking his jaw|broke her jaw|broken jaw|broken nose|broke his nose|patearon|pateado|pateada|patearon a|le fracturaron|fracturaron|beat|beat up|beat him|beat her|beat them|golpiza|golpizas|paliza|palizas|wounded|injured|hurt|beaten|beating|beatings|stabbed|heridos|herido|herida|heridas|hirieron|lesionad*|golpead*|golpearon|apunalad*|acuchillad*|machete|lesiones|injuries|treated in hospital|hospitalizad*|hospitalized|hirio|hiere|hirieron a|sufrieron quemaduras|sufrio quemaduras|resulto con quemaduras|quemaduras|suffered burns|burns|wounding|injuring|hiriendo|lesionando|golpeo|agredio|agredieron|golpeandolo|golpeandola|hit in the shoulder|hit in the leg|hit in the arm|hit in the head|hit in the chest|hit in the back|hit in the abdomen|shot in the leg|shot in the arm|shot in the shoulder|shot in the foot|herido en la pierna|herido en el brazo|herida en la pierna|stab wounds|stab wound|gunshot wounds|gunshot wound|bullet wounds|knife wounds|heridas de arma blanca|heridas de bala|in intensive care|in critical condition|in serious condition|en terapia intensiva|en cuidados intensivos|en estado grave|en estado critico|slashed|fracturas|fractura|fractured|le rompieron|les rompieron|me rompieron|broke his arm|broke his leg|broke his ribs|broken ribs|costillas rotas|le pegaron|le pego|les pegaron|nos pegaron|me pegaron|le corto el brazo|le cortaron el brazo|le corto la mano|le cortaron la mano|le corto la cara|le cortaron la cara|cut his arm|cut her arm|cut his face|cut her face|hit in the face
torture	tortured|torturad*|torturaron|mutilated|mutilad*
sexual_violence	raped|rape|sexually assaulted|sexually abused|violada|violadas|violaron|abusaron sexualmente|abuso sexual|agresion sexual|sexual assault|sexual violence|violencia sexual|violacion
abduction	kidnapped|taken as hostages|taken hostage|as hostages|hostages|rehenes|tomados como rehenes|kidnapping|abducted|abduction|secuestrad*|secuestraron|secuestro|privad* de la libertad|privad* de su libertad|privaron de la libertad|plagiad*|levantad*|levantaron|taken hostage|held captive|held for ransom|cautiverio|levanto|raptaron|raptado|raptada|raptados|snatched
extortion	extorted|extortion|extorsionad*|extorsionaron|extorsion|cobro de piso|demanded money|demanded payment|exigieron dinero|ransom|rescate de
robbery	robbed|robbery|stole|stolen|took their money|took his money|took her money|le quitaron|les quitaron|nos quitaron|me quitaron|quitaron su dinero|asaltad*|asaltaron|asalto|robaron|robad*|despojad*|despojaron|atracaron
detention	held without charge|held incommunicado|had been held|were held by|was held by|fueron retenidos|fue retenido|fue retenida|incomunicados|incomunicado|detuvo|arresto|capturo|detained|arrested|captured|apprehended|rounded up|detenid*|detuvieron|detencion|arrestad*|arrestaron|capturad*|capturaron|aprehendid*|aseguraron|asegurad*|retuvieron|retenid*|held in custody
family_separation	separated|separad*|separaron|separacion familiar|family separation
deportation	repatriated|repatriation|repatriados|repatriadas|repatriacion|move back|moved back|returned from|retornaron|deported|deportad*|deportaron|expelled|expulsad*|expulsaron|returned to|devueltos
death_in_transit	arrollad*|run over|hit by a train|struck by a train|drowned|ahogad*|ahogaron|murieron ahogados|fell from the train|cayo del tren|cayeron del tren|hypothermia|hipotermia|heat stroke|golpe de calor|deshidratacion|dehydration|insolacion|suffocated|asfixiad*|overturned|volco|volcadura|volcaron
disappearance	sigue sin aparecer|siguen sin aparecer|no ha aparecido|no han aparecido|remains missing|remain missing|no sabe nada de ella|no sabe nada de el|no saben nada de ella|no saben nada de el|no saben nada de ellos|whereabouts are unknown|whereabouts unknown|whereabouts remain unknown|se desconoce su paradero|sin saber de su paradero|has not been heard from|have not been heard from|disappearance|disappearances|enforced disappearance|enforced disappearances|disappeared|went missing|missing|desaparecid*|desaparecieron|desaparicion|paradero desconocido|no se sabe su paradero|no se ha vuelto a saber nada|no se ha vuelto a saber de ellos|no se ha vuelto a saber de el|no se ha vuelto a saber de ella|no se volvio a saber de ellos|no se volvio a saber nada|cuyo paradero se desconoce|cuyo paradero desconocen|whose whereabouts are unknown|have not been seen since|has not been seen since|not been seen since|unaccounted for|remain unaccounted for|remains unaccounted for|heard nothing from|have heard nothing|has heard nothing|had heard nothing|continuan sin aparecer|continua sin aparecer|siguen sin aparecer|sigue sin aparecer|no han sido localizados|no han sido localizadas|no ha sido localizado|no ha sido localizada|siguen sin ser localizados|siguen sin ser localizadas|sigue sin ser localizado|sigue sin ser localizada|no han aparecido|no ha aparecido|paradero se desconoce|no sabemos nada de el|no sabemos nada de ella|no sabemos nada de ellos|no sabemos nada de ellas|no supimos nada de el|no supimos nada de ella|no supimos nada de ellos|no supimos nada de ellas|ya no supimos nada|no hemos sabido nada|no hemos vuelto a saber|no ha vuelto a tener noticias|no han vuelto a tener noticias|no hemos tenido noticias|no hemos vuelto a tener noticias|has not been located|have not been located|has not been heard from since|have had no news|has had no news|we have had no news|no news of him|no news of her|no news of them|not heard from him since|not heard from her since|not heard from them since|have not heard from|has not heard from|last time we heard from|not heard his voice since|not heard her voice since
threat	threatened|amenazad*|amenazaron|ultimatum|intimidated|intimidad*|threatened to kill|threatened to attack|threatened to burn|threatened to kidnap|threatened to harm|threatened with death|death threats|death threat|amenazas de muerte|amenazaron de muerte|amenazo de muerte|amenazaron con matar|amenazo con matar|amenazaron con asesinar|amenazas contra|hours to leave|days to leave|or be killed|or they would be killed|or they will be killed|objetivo militar|objetivos militares|plazo para abandonar|les dio plazo|les dieron plazo|dieron un plazo|dio un plazo|horas para abandonar|horas para salir|dias para abandonar|o seran asesinados|o serian asesinados|narcomanta|narcomantas|would be executed|would be killed|serian ejecutados|seran ejecutados|limpiarian|amenazo con ejecutar|amenazaron con ejecutar|amenaza con ejecutar|amenazan con ejecutar|amenazo con desaparecer|amenazaron con desaparecer|amenazo con quemar|amenazaron con quemar|amenazo con secuestrar|amenazaron con secuestrar|amenaza con matar|amenazan con matar|amenazaron con golpear|threatened to shoot|threatened to behead|threatened to rape|threatened to disappear|threatened to execute|threatened to torch|threatening message|threatening messages|mensaje amenazante|mensajes amenazantes|con la amenaza de|limpiar la plaza|would be burned along with|would be burned with|seria quemado|serian quemados|would hunt down|will hunt down|vowed to hunt down|hunt down|ajusticiara|ajusticiaran|ajusticiaremos|threatening note|threatening notes|threatening letter|nota amenazante|notas amenazantes|carta amenazante|manta con el mensaje|mantas con el mensaje
displacement	se refugiaron|took refuge|sought refuge|se resguardaron|displaced|desplazad*|forced to flee|fled their homes|fled their communities|fled their villages|obligo a huir|obligaron a huir|huyeron de sus comunidades|huyeron de sus hogares|huyeron de sus casas|tuvieron que huir|abandonar sus hogares|displacement|desplazamiento|abandonaron sus veredas|abandonaron sus hogares|abandonaron sus casas|abandonaron sus comunidades|abandoned their homes|left their homes|forced from their homes|forced out of their homes|driven from their homes|forced from their land|expulsados de sus tierras
property_destruction	burned|burnt|set fire|set on fire|torched|incendiaron|incendio|quemaron|quemad*|destroyed|destruyeron|incendiad*|quemo|prendieron fuego|prendio fuego|prendieron fuego a|set ablaze|firebomb|firebombs|firebombed|molotov|molotov cocktail|molotov cocktails|petrol bomb|petrol bombs|gasoline bomb|incendiary device|bomba molotov|bombas molotov|artefacto incendiario
seizure	seized|confiscated|decomisaron|incautaron|decomiso|incautacion|incautaron|decomisado|incautado|seizure|seizures|drug lab|drug labs|cocaine lab|cocaine labs|synthetic drug lab|processing lab|clandestine lab|clandestine labs|clandestine laboratory|clandestine laboratories|narcolaboratorio|narcolaboratorios|laboratorio clandestino|laboratorios clandestinos
taken_away	sacado de su casa|sacada de su casa|sacados de sus casas|sacadas de sus casas|sacaron de su casa|sacaron de sus casas|dragged from his home|dragged from her home|dragged from their homes|taken from his home|taken from her home|taken from their homes|forced|struck|taken off a bus|taken off the bus|taken off buses|pulled off a bus|pulled off the bus|taken from a bus|taken from the bus|forced into|forced them into|bundled into|dragged into|seized|se llevo a|se llevaron a|se lo llevaron|se los llevaron|se la llevaron|se las llevaron|bajaron del autobus|bajados del autobus|bajados de un autobus|bajaron de un autobus|obligaron a subir|subieron a la fuerza|subidos a la fuerza|subieron por la fuerza
# --- attack acts without a specific harm ---
attack	threw a liquid|threw acid|acid attack|ataque con acido|arrojo acido|arrojaron acido|attacked|ambushed|assaulted|stormed|raided|atacaron|atacad*|emboscad*|emboscaron|agredid*|agredieron|irrumpieron|irrumpio|arremetieron|ataco|embosco
# --- weak / nominal mentions ---
weak	attack|attacks|ataque|ataques|killing|killings|murder|murders|asesinato|asesinatos|homicidio|homicidios|violence|violencia|abuse|abuses|abusos|torture|tortura|shooting|shootings|the incident|el incidente|los hechos|el hecho|agresion|agresiones|crime|crimen|death|deaths|muerte|muertes|threat|threats|amenaza|amenazas
related	surrounded|pursued|pursuing|chased|intercepted|rodearon|persiguieron|persiguiendo|interceptaron|encerraron|came pursuing|cornered|acorralaron|raid|operativo|redada|redadas|raids
# --- perpetrators ---
Police	agentes municipales|agentes estatales|agentes ministeriales|guardia estatal|elementos de la guardia estatal|fuerza publica|police|policeman|policemen|police officer|police officers|officers|policia|policias|policia municipal|policia estatal|policia federal|policia ministerial|policias municipales|policias estatales|policias federales|agentes ministeriales|agentes de la fiscalia|elementos policiacos|elementos de la policia|law-enforcement|law enforcement|law enforcement agencies|prosecutor's office police|police from the prosecutor's office|military police|policia militar|fuerza civil|gendarmeria|gendarmes|carabineros|state police|federal police|municipal police|city police|sheriff|sheriff's deputies|deputies|patrol officers|police agents|agentes policiales|agentes de policia|policia nacional|national police|policia nacional civil|pnc
Military	soldiers|soldier|troops|army|military|armed forces|marines|navy|navy personnel|sailors|naval officers|national guard|national guardsmen|guardia nacional|guardias nacionales|elementos de la guardia nacional|ejercito|militares|militar|soldados|soldado|sedena|semar|marinos|marina|fuerzas armadas|infantes de marina|military forces|fuerza armada
Immigration authority	inm|instituto nacional de migracion|national migration institute|national institute of migration|immigration officials|immigration officers|immigration agents|immigration authorities|agentes de migracion|agentes migratorios|agentes del inm|agentes del instituto nacional de migracion|personal del inm|funcionarios de migracion|autoridades migratorias|border patrol|border patrol agents|patrulla fronteriza|agentes de la patrulla fronteriza|ice|ice agents|immigration and customs enforcement|cbp|customs and border protection|la migra|migra|instituto guatemalteco de migracion|igm|plainclothes immigration officials
Other state forces	prison guards|custodios|guards|guardias|prison staff|penitentiary staff|personal penitenciario
Criminal group	cartel|cartels|carteles|cartel de|gang|gangs|gang members|pandilla|pandillas|pandilleros|mara|maras|mareros|ms-13|ms 13|mara salvatrucha|barrio 18|organized crime|crimen organizado|criminal group|criminal groups|grupo criminal|grupos criminales|grupo delictivo|grupos delictivos|delincuencia organizada|sicarios|sicario|hitmen|hitman|traffickers|smugglers|human smugglers|coyote|coyotes|polleros|pollero|traficantes|traficantes de personas|narcotraficantes|drug traffickers|zetas|los zetas|cjng|jalisco new generation cartel|cartel jalisco nueva generacion|sinaloa cartel|cartel de sinaloa|gulf cartel|cartel del golfo|criminals|delincuentes|militia|militias|milicia|milicias|narcos|kidnappers|secuestradores|extortionists|extorsionadores
Unidentified armed group	gunmen|gunman|armed men|armed man|hombres armados|hombre armado|sujetos armados|sujeto armado|individuos armados|civiles armados|comando armado|armed group|armed groups|grupo armado|grupos armados|unknown assailants|unidentified assailants|unidentified men|unidentified gunmen|assailants|attackers|agresores|atacantes|desconocidos|unknown attackers|masked men|encapuchados|encapuchado|hombres encapuchados|pistoleros|unidentified armed|armed individuals|men in a car|armed assailants|motorcycle gunmen
Civilians	mob|angry mob|residents|neighbours|neighbors|vecinos|pobladores|turba|lynch mob|villagers|local residents|habitantes|locals|group of citizens|grupo de ciudadanos|lugarenos|comuneros
Other	security guards|private security guards|private security|seguridad privada|guardias de seguridad privada|guardias de seguridad|vigilantes privados
# --- victims (flags: 1 plural, 2 male, 4 female, 8 minor, 16 migrant) ---
v0	motorcyclist|motociclista|motorista|cyclist|ciclista|pedestrian|peaton|transeunte|labourer|laborer|day labourer|day laborer|bus driver|vendor|shopkeeper|tendero|protester|protestor|demonstrator|manifestante|foreman|capataz|owner|dueno|duena|propietario|propietaria|manager|encargado|encargada
v16	migrant|immigrant|asylum seeker|refugee|deportee|migrante|inmigrante|solicitante de asilo|refugiado|refugiada|deportado|deportada|traveler|extranjero|extranjera
v17	migrants|immigrants|asylum seekers|refugees|deportees|migrantes|inmigrantes|solicitantes de asilo|refugiados|refugiadas|deportados|deportadas|travelers|extranjeros|extranjeras|indocumentados
v2	man|inmate|prisoner|detainee|recluso|reo|preso|guarda|vigilante|security guard|guardia de seguridad|pescador|fisherman|vendedor|vendedor ambulante|street vendor|nurse|enfermero|father|son|husband|brother|boyfriend|hombre|padre|hijo|esposo|hermano|joven|young man|youth|farmer|campesino|driver|conductor|chofer|worker|trabajador|journalist|periodista|activist|activista|leader|lider|presenter|teacher|maestro|profesor|student|estudiante|merchant|comerciante|taxi driver|taxista|police officer|agent|victim|victima|person|persona|individual|individuo|sujeto|organiser|organizer|defender|defensor|musician|doctor|lawyer|abogado|priest|sacerdote|pastor|mayor|alcalde|candidate|candidato|councillor|regidor|official|funcionario|passenger|pasajero|body|cuerpo|guard|guardia|jornalero|albanil|obrero|neighbour|neighbor|vecino|grandfather|abuelo|nephew|sobrino|uncle|tio|cousin|primo|friend|amigo|employee|empleado|occupant|ocupante|companion|acompanante|catechist|catequista|grandson|nieto|roofer|picker|bricklayer|colleague|colega|companero
v4	woman|mother|daughter|wife|sister|girlfriend|mujer|madre|hija|esposa|hermana|senora|joven mujer|pregnant woman|embarazada|maestra|profesora|periodista mujer|lideresa|activista mujer|comerciante mujer|defensora|trabajadora|estudiante mujer|pasajera|candidata|alcaldesa|jornalera|obrera|vecina|grandmother|abuela|niece|sobrina|aunt|tia|prima|amiga|empleada|granddaughter|nieta|companera
v10	boy|niño|nino|teenager|adolescent|adolescente|menor|baby|bebe|infant|child|minor|chico|muchacho|youngster
v12	girl|niña|nina|muchacha|chica
v9	children|boys|kids|menores|niños|ninos|adolescentes|teenagers|minors|babies|bebes|infantes|menores de edad|jovenes
v13	girls|niñas|ninas
v3	men|inmates|prisoners|detainees|reclusos|reos|presos|pescadores|vendedores|nurses|enfermeros|fathers|sons|brothers|hombres|padres|hijos|hermanos|farmers|campesinos|drivers|workers|trabajadores|journalists|periodistas|activists|activistas|leaders|lideres|people|personas|individuals|individuos|sujetos|victims|victimas|passengers|pasajeros|civilians|civiles|bodies|cuerpos|residents|family|families|familias|familia|members|integrantes|miembros|villagers|teachers|maestros|students|estudiantes|merchants|comerciantes|indigenous|indigenas|defenders|defensores|police officers|agents|agentes|demonstrators|protesters|manifestantes|volunteers|voluntarios|presenters|union organisers|organisers|leaders|jornaleros|motociclistas|obreros|albaniles|taxistas|choferes|vendors|fishermen|labourers|laborers|day labourers|day laborers|motorcyclists|pedestrians|peatones|shopkeepers|vendedores ambulantes|street vendors|neighbours|neighbors|vecinos|nephews|sobrinos|cousins|primos|friends|amigos|employees|empleados|occupants|ocupantes|companions|acompanantes|catechists|catequistas|grandchildren|nietos|parents|colleagues|colegas|companeros
v5	women|mothers|daughters|sisters|mujeres|madres|hijas|hermanas|senoras|maestras|estudiantes mujeres|vecinas|sobrinas|amigas|empleadas
# --- modality, negation, attribution ---
neg	no|not|never|nunca|nadie|ningun|ninguno|ninguna|nobody|none|without|sin|ni|neither|nor|n't|didn't|wasn't|weren't|no one
none_killing	no deaths|no fatalities|no one was killed|nobody was killed|no one died|nobody died|no se reportaron muertos|no hubo muertos|sin muertos|no se registraron muertos|no se reportaron victimas|no se registraron victimas|no hubo victimas|sin victimas|no se reportaron victimas mortales|no casualties|no victims|descarto que hubiera personas fallecidas|descarto que hubiera fallecidos|descarto que hubiera muertos|descartaron que hubiera muertos|descartaron que hubiera personas fallecidas|descarto victimas mortales|ruled out fatalities|no hubo personas fallecidas|no hubo fallecidos|sin fallecidos|no hubo personas muertas|no se reportaron fallecidos|no se registraron fallecidos|no one has been killed|nobody has been killed|no se han registrado agresiones|no se ha registrado ninguna agresion|no se ha presentado ningun hecho violento|no se han presentado hechos violentos|no se ha registrado ningun hecho violento|no violence has been reported|no attack has taken place|no attacks have been reported|no one has been harmed so far
none_injury	no one was hurt|nobody was hurt|no one was injured|nobody was injured|no injuries|no injuries were reported|no one was wounded|nobody was wounded|no se reportaron heridos|no se registraron heridos|no hubo heridos|sin heridos|nadie resulto herido|nadie salio herido|resultaron ilesos|ilesos|ilesas|unharmed|unhurt|sin lesionados|no hubo lesionados|no se reportaron lesionados|escaped unharmed|none of the passengers was hurt|none of the passengers were hurt|none of them was hurt|none of them were hurt|ninguno resulto herido|ninguno de ellos resulto herido|no one has been harmed|nobody has been harmed|no one was harmed|nobody was harmed|no one has been hurt|nobody has been hurt|no one has been injured|no se reportaron personas lesionadas|sin que se reportaran lesionados|sin que se reportaran heridos|no se han registrado agresiones|no se ha registrado ninguna agresion|no se ha presentado ningun hecho violento|no se han presentado hechos violentos|no se ha registrado ningun hecho violento|no violence has been reported|no attack has taken place|no attacks have been reported|no one has been harmed so far
none_disappearance	no one is missing|nobody is missing|no one was missing|no one remains missing|all were accounted for|no hay desaparecidos|no se reportan desaparecidos|no hubo desaparecidos|sin desaparecidos|ninguno esta desaparecido|nadie esta desaparecido|no one was reported missing
hyp	could|would|might|may|will|shall|plan|plans|planned|planning|plan to|threatened to|threatens to|vowed to|to prevent|prevent|risk|risks|face|could face|would face|if|unless|warned|warn|warns|fear|fears|feared|possible|potential|podria|podrian|podra|podran|planea|planean|planeaban|amenazo con|amenazaron con|si|a menos que|advirtio|advirtieron|advierte|teme|temen|posible|posibles|riesgo|evitar|prevenir|intentaron|tried to|attempted to|intento de|would be|pretendian|in case|en caso de|will be|seria|serian|hypothetical|afraid|afraid of|for fear of|por miedo a|por temor a
say	rechazo la version|rechazo la version oficial|rechazaron la version|denuncia|afirma|asegura|senala|informa|dice|sostiene|acusa|indica|explica|difundio|claims|alleges|states|said|says|say|told|stated|states|claimed|claims|claiming|alleged|alleges|alleging|reported|reports|denied|denies|added|explained|confirmed|declared|insisted|insists|maintained|maintains|wrote|announced|denounced|acknowledged|admitted|described|argued|testified|recounted|recalled|dijo|dijeron|afirmo|afirmaron|aseguro|aseguraron|denuncio|denunciaron|nego|negaron|rechazo|rechazaron|senalo|senalaron|informo|informaron|indico|indicaron|explico|explicaron|declaro|declararon|sostuvo|sostienen|reporto|reportaron|confirmo|confirmaron|acuso|acusaron|relato|relataron|conto|contaron|narro|narraron|agrego|agregaron|anadio|manifesto|comunico|detallo|detallaron|preciso|refirio|expreso|asevero|issued a statement|emitio un comunicado|en un comunicado|in a statement|statement|comunicado|open letter|carta abierta|insist|maintain|contend|contends|accuse|accuses|blame|blames|blamed|spoke of|hablo de|hablaron de|habla de|hablan de|dicen|afirman|aseguran|denuncian|senalan|acusan|informan|indican|relatan|cuentan|insiste|insisten|mantiene|mantienen|responsabilizan|responsabiliza|responsabilizaron|culpan|culparon|counted|contabilizo|contabilizaron|cifro|cifraron|niega|niegan|desmiente|desmienten|rechaza|rechazan|contradice|contradicen|dispute|disputes|contradict|contradicts|contradicted|rejected|rejects|refuted|documentan|documento|documentaron|reconoce|reconocen|reconocio
according	according to|segun|de acuerdo con|de acuerdo a|citing|citando
deny	tells a different story|told a different story|a different version|a different account|otra version|una version distinta|una version diferente|cuenta otra historia|cuentan otra historia|rechazo la version oficial|rechazaron la version oficial|excuse|the same excuse|pretexto|invented|fabricated|made up|inventaron|montaje|lie|lies|false|falso|falsa|mentira|mentiras|untrue|denied|denies|nego|negaron|rechazo la version|rechazaron la version|contradicted|contradijo|desmintio|desmintieron|refuted|disputed|no es cierto|not true|nothing could be further from the truth|no tenia arma|had no gun|unarmed|desarmado|desarmados|no estaba armado|no iba armado|no portaba|never found|did not carry|were not carrying|no one was armed|nobody was armed|nadie iba armado|nadie estaba armado|ninguno iba armado|no officers|no agents|no police officers|no soldiers|no troops|no hay pruebas|no existen pruebas|no evidence|sin pruebas|ningun agente|ningun elemento|ningun policia|ningun militar|niega|niegan|desmiente|desmienten|rechaza la acusacion|rechazo la acusacion|rechazan la acusacion|rechazaron la acusacion|rejected the accusation|rejects the accusation|denied the accusation|dispute|disputes|contradict|contradicts|contradicen|contradice|esa version|that version|that account
official	agents|the agents|guardsmen|troops|soldiers|officers|los agentes|los guardias|version oficial|la version oficial|official account|official version|prosecutor|prosecutor's office|prosecutors|fiscalia|fiscal|police|policia|ministry|ministerio|secretaria|secretariat|government|gobierno|authorities|autoridades|official|officials|spokesman|spokeswoman|spokesperson|vocero|vocera|portavoz|the state|el estado|state|department|departamento|attorney general|procuraduria|inm|institute|instituto|governor|gobernador|mayor|alcalde|army|ejercito|sedena|guardia nacional|national guard|border patrol|cbp|dhs|foreign ministry|cancilleria|consulate|consulado|embassy|embajada|president|presidente|defence ministry|defense ministry|ministerio de defensa|mayor's office|ayuntamiento|municipio|coroner|forense|medical examiner|semefo|commission|comision|cndh|ombudsman|defensoria|procurador|agency|the agency
witness	witness|witnesses|eyewitness|eyewitnesses|testigo|testigos|survivor|survivors|sobreviviente|sobrevivientes|superviviente|companion|companions|companero|companeros|companera|fellow migrants|otros migrantes|passenger|passengers|pasajeros|neighbor|neighbours|neighbors|vecino|vecinos|resident|residents|habitante|habitantes|the migrants|los migrantes
ngo	legal aid|legal aid office|lawyer|lawyers|abogado|abogada|abogados|shelter|albergue|casa del migrante|casa de migrante|refugio|ngo|ong|organization|organisation|organizacion|human rights|derechos humanos|network|colectivo|collective|church|iglesia|diocese|diocesis|parish|parroquia|priest|sacerdote|activist|activista|activists|activistas|advocates|defensores|amnesty|amnistia|human rights watch|doctors without borders|medicos sin fronteras|msf|red cross|cruz roja|unhcr|acnur|iom|oim|press-freedom group|group|grupo|fray matias|director of the shelter|shelter director
journalist	reporter|reporters|journalist|journalists|periodista|periodistas|newspaper|periodico|diario|outlet|media|correspondent|corresponsal|news agency|agencia
family	mother|father|wife|husband|sister|brother|son|daughter|relatives|relative|family|families|madre|padre|esposa|esposo|hermana|hermano|hija|hijo|familiares|familiar|familia|viuda|widow|parents|padres|uncle|aunt|tio|tia|cousin|primo|prima|mothers|fathers|wives|husbands|sisters|brothers|sons|daughters|widows|grandmother|grandfather|madres|esposas|esposos|hermanas|hermanos|hijas|hijos|familias|viudas|abuela|abuelo|tios|tias|primos|primas
weapon	unarmed|desarmado|desarmados|had no gun|no tenia arma|gun|guns|weapon|weapons|pistol|pistols|firearm|firearms|rifle|rifles|knife|armed|arma|armas|pistola|pistolas|arma de fuego|armas de fuego|armado|armados|armada|cuchillo|revolver
victim_fired	se abrio fuego contra|abrieron fuego contra los agentes|abrio fuego contra los guardias|dispararon contra los guardias|repelieron una agresion|repelieron la agresion|agresion armada|legitima defensa|in self-defence|in self-defense|fired upon from|were fired upon|fired at the officers|fired at police|fired at the police|fired at the agents first|disparo contra los agentes|disparo contra agentes|disparo contra los policias|abrio fuego contra los agentes|came under attack|came under fire|were ambushed|fueron atacados|fueron emboscados|opened fire first|fired first|shot first|fired at them|fired at the agents|fired at officers|fired upon|fired on the agents|were fired upon|were attacked first|attacked the agents|attacked the officers|agredio a los|agredieron a los|disparo primero|dispararon primero|dispararon contra los agentes|abrio fuego contra|agredidos a balazos|repelieron|repelled|repelled an attack|return fire|returned fire|fueron agredidos|were attacked by|insulted the police
loc_in	in|at|en|on|inside|within|dentro de|municipality of|municipio de|town of|city of|village of|ciudad de|poblado de|comunidad de|localidad de|colonia|barrio|community of|state of|estado de|department of|departamento de|province of|provincia de
loc_near	near|outside|close to|outskirts of|on the outskirts of|on the road to|between|cerca de|afueras de|a las afueras de|en las inmediaciones de|inmediaciones de|proximidades de|en las cercanias de|cercanias de|a unos|kilometers from|kilometres from|km from|miles from|around|entre|rumbo a|on the way to|via|carretera
loc_from	from|de origen|originario de|originaria de|originarios de|oriundo de|oriunda de|oriundos de|procedente de|procedentes de|proveniente de|provenientes de|natives of|native of|nacido en|born in|fled|huyendo de|huian de|escaping|leaving|salieron de|left|deported to|deportados a|deportado a|returned to|repatriated to|repatriados a|nationals of|citizens of|ciudadanos de|de nacionalidad|nationality
loc_to	to|toward|towards|hacia|rumbo|bound for|heading to|con destino a|destino|trasladados a|trasladado a|transferred to|taken to|llevados a|llevado a|reach|llegar a|alcanzar|en camino a|travelling to|traveling to|viajaba a|viajaban a|reunite|reunirse
alleged	allegedly|alleged|allegations|allegation|accused|acusaciones|acusados|denuncias de|presuntamente|presunto|presunta|presuntos|presuntas|supuestamente|supuesto|supuesta|supuestos|suspected|reportedly|presumably|presumiblemente|would have|habria|habrian|possibly|probablemente|apparently|aparentemente|believed to be|se presume|accuse|accuses|acusan|acusaron|responsabilizan|responsabiliza|responsabilizaron|culpan|culparon|blame|blames|blamed|acusa|acuso
protest	gathered in front of|gathered outside|gathered at|gathered in|gathered to demand|se concentraron frente|se reunieron frente|se congregaron|motorcade|motorcades|caravana vehicular|gathered to protest|to march|concentraron|se concentraron|protest|protests|protested|protesting|protesters|protestors|demonstration|demonstrations|demonstrators|demonstrated|marched|rallied|blocked|blockade|blockaded|sit-in|strikers|picket|manifestacion|manifestaciones|manifestantes|protesta|protestas|protestaron|marcharon|marcha|bloquearon|bloqueo|bloquearon la|planton|huelga|se manifestaron|concentracion|mitin|cacerolazo|set fire to tires|quemaron llantas|set barricades on fire|set on fire barricades|set fire to barricades|burning barricades|burned barricades|burnt barricades|barricades on fire|burning tires|burning tyres|set tyres on fire|set tires on fire|burning objects|burning debris|quemaron barricadas|incendiaron barricadas|barricadas incendiadas|barricadas en llamas|quemaron neumaticos|neumaticos incendiados|llantas incendiadas|objetos en llamas
riot	riot|molotov|molotov cocktails|cocteles molotov|threw stones|apedrearon|riots|rioted|rioters|looted|looting|saquearon|saqueo|disturbios|vandalized|vandalizaron|mob violence|set fire to tires|quemaron llantas|lynching|linchamiento|clashed with police|se enfrentaron con la policia|throwing stones|lanzaron piedras|stones|set barricades on fire|set on fire barricades|set fire to barricades|burning barricades|burned barricades|burnt barricades|barricades on fire|burning tires|burning tyres|set tyres on fire|set tires on fire|burning objects|burning debris|quemaron barricadas|incendiaron barricadas|barricadas incendiadas|barricadas en llamas|quemaron neumaticos|neumaticos incendiados|llantas incendiadas|objetos en llamas
clash	clash|clashes|clashed|armed clash|shoot-out|shootout|firefight|gunfight|exchanged fire|exchange of fire|enfrentamiento|enfrentamientos|se enfrentaron|enfrentaron|intercambio de disparos|battle|battles|combat|combates|combatieron|fought
explosion	grenade|grenades|granada|granadas|explosive|explosives|explosivo|explosivos|ied|bomb|bombs|bomba|bombas|car bomb|coche bomba|drone|drones|dron|airstrike|air strike|airstrikes|shelling|shelled|artillery|missile|missiles|misil|rocket|rockets|landmine|mina antipersonal
custody	custody|in custody|custodia|bajo custodia|detention center|detention centre|detention facility|holding cell|holding facility|processing center|estacion migratoria|estancia provisional|centro de detencion|celda|cell|prison|carcel|penal|reclusorio|separos|border patrol station|ice facility|jail|while detained|mientras estaba detenido
another	another|second|third|other|separate|separately|also|elsewhere|meanwhile|otro|otra|segundo|segunda|tercero|tercera|por otra parte|en otro hecho|separadamente|mientras tanto|in a separate|in another|earlier|previously|antes
anaphor	uno de los fallecidos|una de las fallecidas|uno de los muertos|one of the dead|one of the victims|los fallecidos|the dead men|one of them|uno de ellos|una de ellas|one of the victims|una de las victimas|uno de los heridos|died of his injuries|died of her injuries|died of their injuries|murio en el hospital|murio dias despues|died in hospital|later died|mas tarde murio|he died|she died|the attack|the shooting|the killing|the incident|the victim|the victims|the deceased|the dead|the body|the man|the woman|the migrant|the migrants|the father|el ataque|la agresion|los hechos|el hecho|la victima|las victimas|el occiso|la occisa|el fallecido|la fallecida|el cuerpo|el cadaver|el migrante|los migrantes|el hombre|la mujer|one of the injured|one of the wounded|uno de los lesionados|una de las lesionadas|una de las heridas|una de los heridos
";

/// One word of a parsed phrase.
enum PWord {
    /// A whole folded word, by its id in [`Lexicon::word_id`]'s vocabulary.
    Exact(u32),
    /// A folded prefix ("asesinad*"): matches any word that starts with it.
    Prefix(String),
}

/// A parsed phrase.
struct Phrase {
    words: Vec<PWord>,
    /// Matching reads the cue from [`Candidate`]; the tests' reference matcher reads it here.
    #[cfg_attr(not(test), allow(dead_code))]
    cue: Cue,
}

/// The id [`Lexicon::word_id`] gives a word that no phrase uses.
pub const NO_WORD: u32 = u32::MAX;

/// Folded English function words that vote for English in [`Lexicon::language`].
const ENGLISH_VOTES: &[&str] = &["the", "and", "of", "was", "were", "said", "in", "to", "with", "that", "is", "by", "on", "at"];

/// Folded Spanish function words that vote for Spanish in [`Lexicon::language`].
const SPANISH_VOTES: &[&str] = &["el", "los", "las", "del", "que", "y", "por", "una", "con", "fue", "segun", "para", "se", "en", "la", "de"];

/// Matches lexicon phrases at token positions.
///
/// Every whole word of every phrase has an id; a document's tokens are turned into ids once
/// (by the tokeniser, [`Doc::new_with_lexicon`], or [`Lexicon::doc_word_ids`]), so matching
/// compares integers. Phrases are filed under their
/// first word (or, for a prefix, under its first three bytes), longest first.
pub struct Lexicon {
    phrases: Vec<Phrase>,
    vocab: WordTable<u32>,
    /// One-word phrases and phrases whose second word is a prefix, by the id of their first
    /// word, longest phrase first.
    by_first: Vec<Vec<Candidate>>,
    /// Phrases of two or more whole words by [`pair_key`] of their first two, longest first:
    /// a frequent first word ("the", "no", "de") then costs one lookup of the pair it starts,
    /// not a walk over every phrase it opens.
    by_pair: FnvMap<u64, Vec<Candidate>>,
    /// Bit [`pair_bit`] of every key of `by_pair`: most pairs of words start no phrase.
    pair_filter: Vec<u64>,
    /// By word id: +1 for an English function word, -1 for a Spanish one, 0 for others; the
    /// last entry (0) also stands for every id past the table and for [`NO_WORD`].
    lang_vote: Vec<i8>,
    /// Prefix phrases by the packed first three bytes of their first word, longest first.
    prefix_by_head: FnvMap<u32, Vec<Candidate>>,
    /// One bit per hashed head of `prefix_by_head` (4,096 bits): most words' heads have no
    /// prefix phrase, and a bit test answers that without a map lookup.
    prefix_heads: [u64; 64],
    /// By word id: true when some phrase starts with the whole word (in `by_first` or as the
    /// first of a pair of `by_pair`). With `prefix_heads` it answers [`Lexicon::may_match_at`].
    opens: Vec<bool>,
    /// By word id: the word's [`crate::text::Token::marks`] bits (the listed words of
    /// [`crate::text::marked_words`] join the vocabulary, so that the tokeniser finds a word's
    /// id and marks with one lookup).
    marks: Vec<u8>,
}

/// The bit of a head in [`Lexicon`]'s `prefix_heads` filter (the head mixed, then as a word
/// hash in [`filter_bit`]).
#[inline]
fn head_bit(h: u32) -> (usize, u64) {
    filter_bit(u64::from(h).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Words (`u64`) in [`Lexicon`]'s pair filter: 16,384 bits.
const PAIR_FILTER_WORDS: usize = 256;

/// The key of a pair of word ids.
#[inline]
fn pair_key(first: u32, second: u32) -> u64 {
    u64::from(first) << 32 | u64::from(second)
}

/// (word, mask) of a pair key's bit in the pair filter.
#[inline]
fn pair_bit(key: u64) -> (usize, u64) {
    let k = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 50) as usize;
    (k >> 6, 1u64 << (k & 63))
}

/// A phrase filed under its first word, with what rejects most non-matches at once.
#[derive(Clone, Copy)]
struct Candidate {
    /// Phrase index.
    id: u32,
    /// Number of words.
    len: u32,
    /// Id of the second word when it is a whole word, else [`NO_WORD`] (no check).
    second: u32,
    /// The phrase's cue, copied here so that a proven match never reads the phrase.
    cue: Cue,
    /// True when finding the candidate proves the match: one or two whole words, which the
    /// lookup by first word (or pair) and the `second` check already compared.
    proven: bool,
}

fn head3(w: &str) -> Option<u32> {
    let b = w.as_bytes();
    (b.len() >= 3).then(|| u32::from_le_bytes([b[0], b[1], b[2], 0]))
}

/// A matched cue: token range `[t0, t1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CueMatch {
    /// First token.
    pub t0: usize,
    /// One past the last token.
    pub t1: usize,
    /// The cue.
    pub cue: Cue,
}

fn class_cue(class: &str) -> Option<Cue> {
    if let Some(h) = Harm::parse(class) {
        return Some(Cue::Harm(h));
    }
    if let Some(c) = ActorCategory::parse(class) {
        return Some(Cue::Perp(c));
    }
    if let Some(flags) = class.strip_prefix('v').and_then(|f| f.parse::<u8>().ok()) {
        return Some(Cue::Victim(flags));
    }
    Some(match class {
        "attack" => Cue::AttackAct,
        "weak" => Cue::Weak(None),
        "related" => Cue::Related,
        "neg" => Cue::Neg,
        "none_killing" => Cue::NoneHarmed(Harm::Killing),
        "none_injury" => Cue::NoneHarmed(Harm::Injury),
        "none_disappearance" => Cue::NoneHarmed(Harm::Disappearance),
        "hyp" => Cue::Hyp,
        "say" => Cue::Say,
        "according" => Cue::According,
        "deny" => Cue::Deny,
        "official" => Cue::Speaker(Stance::Official),
        "witness" => Cue::Speaker(Stance::Witness),
        "ngo" => Cue::Speaker(Stance::Ngo),
        "journalist" => Cue::Speaker(Stance::Journalist),
        "family" => Cue::Speaker(Stance::VictimFamily),
        "weapon" => Cue::Weapon,
        "victim_fired" => Cue::VictimFired,
        "loc_in" => Cue::LocIn,
        "loc_near" => Cue::LocNear,
        "loc_from" => Cue::LocFrom,
        "loc_to" => Cue::LocTo,
        "alleged" => Cue::Alleged,
        "protest" => Cue::Protest,
        "riot" => Cue::Riot,
        "clash" => Cue::Clash,
        "explosion" => Cue::Explosion,
        "seizure" => Cue::Seizure,
        "custody" => Cue::Custody,
        "another" => Cue::Another,
        "anaphor" => Cue::Anaphor,
        "taken_away" => Cue::TakenAway,
        _ => return None,
    })
}

impl Lexicon {
    /// Parses [`LEXICON`].
    pub fn new() -> Lexicon {
        Lexicon::from_table(LEXICON)
    }

    fn intern(&mut self, w: &str) -> u32 {
        let id = self.by_first.len() as u32;
        let got = self.vocab.get_or_insert(w, || id);
        if got == id {
            self.by_first.push(Vec::new());
            self.opens.push(false);
            self.marks.push(0);
        }
        got
    }

    /// Adds one phrase (folded words separated by spaces; a trailing `*` makes a prefix).
    pub fn add_phrase(&mut self, phrase: &str, cue: Cue) {
        let mut words = Vec::new();
        for w in phrase.split(' ').filter(|w| !w.is_empty()) {
            let folded = testigo_gazetteer::fold::fold(w.trim_end_matches('*'));
            words.push(if w.ends_with('*') { PWord::Prefix(folded) } else { PWord::Exact(self.intern(&folded)) });
        }
        let id = self.phrases.len() as u32;
        let len = words.len() as u32;
        let second = match words.get(1) {
            Some(PWord::Exact(w)) => *w,
            _ => NO_WORD,
        };
        let proven = matches!(words.first(), Some(PWord::Exact(_))) && (len == 1 || (len == 2 && second != NO_WORD));
        if let Some(&PWord::Exact(first)) = words.first() {
            if let Some(open) = self.opens.get_mut(first as usize) {
                *open = true;
            }
        }
        let list = match words.first() {
            None => return,
            Some(&PWord::Exact(first)) if second != NO_WORD => {
                let key = pair_key(first, second);
                let (w, bit) = pair_bit(key);
                self.pair_filter[w] |= bit;
                self.by_pair.entry(key).or_default()
            }
            Some(PWord::Exact(first)) => &mut self.by_first[*first as usize],
            // Prefixes are filed under their first three bytes; the full prefix is checked on
            // match. One lookup per token finds every prefix that can apply.
            Some(PWord::Prefix(p)) => match head3(p) {
                Some(h) => {
                    let (w, bit) = head_bit(h);
                    self.prefix_heads[w] |= bit;
                    self.prefix_by_head.entry(h).or_default()
                }
                None => return,
            },
        };
        // Longest first, and in table order among equals.
        let at = list.partition_point(|other| other.len >= len);
        list.insert(at, Candidate { id, len, second, cue, proven });
        self.phrases.push(Phrase { words, cue });
    }

    /// Parses a lexicon table in the format of [`LEXICON`]; unknown classes are skipped.
    pub fn from_table(table: &str) -> Lexicon {
        let mut lex = Lexicon { phrases: Vec::new(), vocab: WordTable::new(), by_first: Vec::new(), by_pair: FnvMap::default(), pair_filter: vec![0; PAIR_FILTER_WORDS], lang_vote: Vec::new(), prefix_by_head: FnvMap::default(), prefix_heads: [0; 64], opens: Vec::new(), marks: Vec::new() };
        for line in table.lines() {
            let line = line.trim_end();
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let Some((class, list)) = line.split_once('\t') else { continue };
            let Some(cue) = class_cue(class) else { continue };
            for p in list.split('|') {
                lex.add_phrase(p, cue);
            }
        }
        // Function words vote for a language; they join the vocabulary (with no phrase of
        // their own) so that the ids computed for cue matching also decide the language.
        let tagged = ENGLISH_VOTES.iter().map(|w| (w, 1)).chain(SPANISH_VOTES.iter().map(|w| (w, -1)));
        let votes: Vec<(u32, i8)> = tagged.map(|(w, v)| (lex.intern(w), v)).collect();
        // So do the words that tokens are marked for (see `Lexicon::word_and_marks`).
        for (w, bits) in crate::text::marked_words() {
            let id = lex.intern(w);
            if let Some(m) = lex.marks.get_mut(id as usize) {
                *m |= bits;
            }
        }
        lex.lang_vote = vec![0; lex.by_first.len() + 1];
        for (id, v) in votes {
            lex.lang_vote[id as usize] = v;
        }
        lex
    }

    /// The vocabulary id of a folded word, or [`NO_WORD`] when no phrase uses it whole and it is
    /// neither a function word of [`Lexicon::language`] nor a word tokens are marked for.
    pub fn word_id(&self, w: &str) -> u32 {
        self.word_id_hashed(word_hash(w), w)
    }

    /// [`Lexicon::word_id`] of a word whose [`word_hash`] is known.
    pub fn word_id_hashed(&self, h: u64, w: &str) -> u32 {
        self.vocab.get(h, w).unwrap_or(NO_WORD)
    }

    /// [`Lexicon::word_id`] of a word whose [`word_hash`] is known, and its
    /// [`crate::text::Token::marks`] bits from its listed words (not from its bytes).
    #[inline]
    pub fn word_and_marks(&self, h: u64, w: &str) -> (u32, u8) {
        match self.vocab.get(h, w) {
            Some(id) => (id, self.marks.get(id as usize).copied().unwrap_or(0)),
            None => (NO_WORD, 0),
        }
    }

    /// [`Lexicon::word_id`] of every word of `words`.
    pub fn word_ids<'a>(&self, words: impl Iterator<Item = &'a str>) -> Vec<u32> {
        words.map(|w| self.word_id(w)).collect()
    }

    /// [`Lexicon::word_id`] of every token of `doc`.
    pub fn doc_word_ids(&self, doc: &Doc<'_>) -> Vec<u32> {
        let mut ids = Vec::new();
        self.doc_word_ids_into(doc, &mut ids);
        ids
    }

    /// [`Lexicon::doc_word_ids`] written into `ids` (cleared first), reusing its memory.
    pub fn doc_word_ids_into(&self, doc: &Doc<'_>, ids: &mut Vec<u32>) {
        ids.clear();
        ids.extend((0..doc.tokens.len()).map(|k| self.word_id_hashed(doc.h(k), doc.f(k))));
    }

    /// The language of a text from the word ids of its first 200 tokens ([`Lexicon::word_id`]):
    /// Spanish when Spanish function words outnumber English ones, else English (ties and
    /// texts with neither included). Adds one vote per token, with no branch on the word.
    pub fn language(&self, ids: &[u32]) -> Language {
        let last = self.lang_vote.len().saturating_sub(1);
        let sum: i32 = ids.iter().take(200).map(|&id| i32::from(self.lang_vote.get((id as usize).min(last)).copied().unwrap_or(0))).sum();
        if sum < 0 {
            Language::Es
        } else {
            Language::En
        }
    }

    /// False when no phrase can start at token `i` (so [`Lexicon::matches_at`] would find
    /// nothing there): its word opens no phrase whole and its head opens no prefix phrase.
    /// A few loads and tests; most tokens fail them. Arguments as for `matches_at`.
    #[inline]
    pub fn may_match_at<'a>(&self, ids: &[u32], word: impl Fn(usize) -> &'a str, i: usize) -> bool {
        if ids.get(i).and_then(|&id| self.opens.get(id as usize)).copied().unwrap_or(false) {
            return true;
        }
        let b = word(i).as_bytes();
        let h = u32::from_le_bytes([b.first().copied().unwrap_or(0), b.get(1).copied().unwrap_or(0), b.get(2).copied().unwrap_or(0), 0]);
        let (w, bit) = head_bit(h);
        (self.prefix_heads[w] & bit != 0) & (b.len() >= 3)
    }

    /// The longest cues that start at token `i` and stay inside the sentence `[.., end)`,
    /// appended to `out` (several when phrases of the same length with different cues match).
    /// `ids[k]` is the [`Lexicon::word_id`] of token `k`; `word(k)` its folded form (for
    /// prefixes).
    pub fn matches_at<'a>(&self, ids: &[u32], word: impl Fn(usize) -> &'a str, i: usize, end: usize, out: &mut Vec<CueMatch>) {
        let mut found = 0usize; // length of the longest match so far
        let next = if i + 1 < end { ids.get(i + 1).copied().unwrap_or(NO_WORD) } else { NO_WORD };
        if let Some(&first) = ids.get(i).filter(|&&w| w != NO_WORD) {
            let singles = self.by_first.get(first as usize).map_or(&[][..], Vec::as_slice);
            // One test (nearly always false) that a next word exists and the pair may start
            // a phrase.
            let key = pair_key(first, next);
            let (w, bit) = pair_bit(key);
            let pairs = if (next != NO_WORD) & (self.pair_filter[w] & bit != 0) { self.by_pair.get(&key).map_or(&[][..], Vec::as_slice) } else { &[][..] };
            // Both lists merged in the order one list of all would have: longest first, then
            // table order.
            let (mut x, mut y) = (0, 0);
            loop {
                let c = match (singles.get(x), pairs.get(y)) {
                    (Some(a), Some(b)) if (b.len, std::cmp::Reverse(b.id)) > (a.len, std::cmp::Reverse(a.id)) => {
                        y += 1;
                        b
                    }
                    (Some(a), _) => {
                        x += 1;
                        a
                    }
                    (None, Some(b)) => {
                        y += 1;
                        b
                    }
                    (None, None) => break,
                };
                if !self.try_candidate(c, ids, &word, i, end, next, &mut found, out) {
                    break;
                }
            }
        }
        // The head of a word of any length, and one test that it is long enough and its head
        // has prefix phrases (nearly always false, so the branch predicts well).
        let b = word(i).as_bytes();
        let h = u32::from_le_bytes([b.first().copied().unwrap_or(0), b.get(1).copied().unwrap_or(0), b.get(2).copied().unwrap_or(0), 0]);
        let (w, bit) = head_bit(h);
        let head = ((self.prefix_heads[w] & bit != 0) & (b.len() >= 3)).then_some(h);
        if let Some(list) = head.and_then(|h| self.prefix_by_head.get(&h)) {
            for c in list {
                if !self.try_candidate(c, ids, &word, i, end, next, &mut found, out) {
                    break;
                }
            }
        }
    }

    /// Matches candidate `c` at token `i` (see [`Lexicon::matches_at`]); `found` is the length
    /// of the longest match so far. False when `c` is shorter: candidates come longest first,
    /// so nothing after it can win.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    fn try_candidate<'a>(&self, c: &Candidate, ids: &[u32], word: &impl Fn(usize) -> &'a str, i: usize, end: usize, next: u32, found: &mut usize, out: &mut Vec<CueMatch>) -> bool {
        let len = c.len as usize;
        if len < *found {
            return false;
        }
        if i + len > end || (c.second != NO_WORD && c.second != next) {
            return true;
        }
        // Most candidates are proven by how they were found; the others read their phrase's
        // words (one more memory access, often a cache miss).
        let all = c.proven
            || self.phrases[c.id as usize].words.iter().enumerate().all(|(k, pw)| match pw {
                PWord::Exact(w) => ids.get(i + k) == Some(w),
                PWord::Prefix(pre) => word(i + k).starts_with(pre.as_str()),
            });
        if all {
            if len > *found {
                out.retain(|m: &CueMatch| m.t0 != i);
                *found = len;
            }
            out.push(CueMatch { t0: i, t1: i + len, cue: c.cue });
        }
        true
    }
}

impl Default for Lexicon {
    fn default() -> Self {
        Lexicon::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_table_finds_exactly_its_keys() {
        // Enough keys to grow the table several times; words that differ in one byte, share
        // prefixes, are empty or non-ASCII.
        let mut keys: Vec<String> = (0..5000).map(|i| format!("w{i}")).collect();
        keys.extend(["", "a", "á", "policia", "policias", "policía", "twenty-three"].map(String::from));
        let mut t: WordTable<u32> = WordTable::new();
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(t.get_or_insert(k, || i as u32), i as u32);
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(t.get(word_hash(k), k), Some(i as u32), "{k:?}");
            // Inserting again keeps the first value.
            assert_eq!(t.get_or_insert(k, || u32::MAX), i as u32);
        }
        for miss in ["w5000", "w-1", "W1", "policiaa", "b", "twenty"] {
            assert_eq!(t.get(word_hash(miss), miss), None, "{miss:?}");
        }
    }

    #[test]
    fn every_class_in_the_table_is_known() {
        for line in LEXICON.lines() {
            let line = line.trim_end();
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let class = line.split('\t').next().unwrap_or("");
            assert!(class_cue(class).is_some(), "unknown lexicon class {class:?}");
        }
    }

    /// The longest phrases of the whole table that match at `i`: those whose first word is
    /// whole in table order, then those whose first word is a prefix in table order. What
    /// `matches_at` must find through its indexes.
    fn matches_by_walking_every_phrase(lex: &Lexicon, ids: &[u32], words: &[String], i: usize) -> Vec<CueMatch> {
        let fits = |p: &Phrase| {
            i + p.words.len() <= words.len()
                && p.words.iter().enumerate().all(|(k, pw)| match pw {
                    PWord::Exact(w) => ids[i + k] == *w,
                    PWord::Prefix(pre) => words[i + k].starts_with(pre.as_str()),
                })
        };
        let longest = lex.phrases.iter().filter(|p| fits(p)).map(|p| p.words.len()).max().unwrap_or(0);
        let starts_whole = |p: &&Phrase| matches!(p.words.first(), Some(PWord::Exact(_)));
        let longest_fits = |p: &&Phrase| p.words.len() == longest && fits(p);
        let whole = lex.phrases.iter().filter(longest_fits).filter(starts_whole);
        let prefix = lex.phrases.iter().filter(longest_fits).filter(|p| !starts_whole(p));
        whole.chain(prefix).map(|p| CueMatch { t0: i, t1: i + longest, cue: p.cue }).collect()
    }

    #[test]
    fn indexed_matching_finds_what_walking_every_phrase_finds() {
        let lex = Lexicon::new();
        // Every phrase of the table as a text of its own (prefixes completed), then all of
        // them run together, so that phrases overlap and share first words.
        let mut texts: Vec<Vec<String>> = lex
            .phrases
            .iter()
            .map(|p| p.words.iter().map(|w| match w {
                PWord::Exact(id) => lex.vocab.slots.iter().find(|s| s.start != u32::MAX && s.value == *id).map(|s| lex.vocab.pool[s.start as usize..(s.start + s.len) as usize].to_string()).unwrap_or_default(),
                PWord::Prefix(pre) => format!("{pre}os"),
            }).collect())
            .collect();
        texts.push(texts.concat());
        for words in &texts {
            let ids = lex.word_ids(words.iter().map(String::as_str));
            for i in 0..words.len() {
                let mut got = Vec::new();
                lex.matches_at(&ids, |k| words[k].as_str(), i, words.len(), &mut got);
                assert!(got.is_empty() || lex.may_match_at(&ids, |k| words[k].as_str(), i), "at {i} of {words:?}");
                assert_eq!(got, matches_by_walking_every_phrase(&lex, &ids, words, i), "at {i} of {words:?}");
            }
        }
    }

    #[test]
    fn tokenising_with_the_lexicon_gives_its_word_ids_and_the_same_marks() {
        let lex = Lexicon::new();
        let text = "The next day, a dozen migrants said that on 3 March twenty-three men were killed in mid-June; la semana pasada, hace dos días, una veintena.";
        let (mut a1, mut a2) = (String::new(), String::new());
        let plain = Doc::new_in(text, &mut a1);
        let with = Doc::new_with_lexicon(text, &mut a2, &lex);
        assert_eq!(plain.tokens.len(), with.tokens.len());
        for (k, (p, w)) in plain.tokens.iter().zip(&with.tokens).enumerate() {
            assert_eq!(p.marks, w.marks, "{:?}", plain.f(k));
            assert_eq!(w.word, lex.word_id(with.f(k)), "{:?}", with.f(k));
            assert_eq!(p.word, NO_WORD);
        }
        assert!(plain.tokens.iter().any(|t| t.marks != 0));
    }

    #[test]
    fn longest_phrase_wins_over_its_prefix() {
        let lex = Lexicon::new();
        let words = ["fired", "at", "the", "officers", "first"];
        let ids = lex.word_ids(words.iter().copied());
        let mut out = Vec::new();
        lex.matches_at(&ids, |k| words[k], 0, words.len(), &mut out);
        assert!(!out.is_empty() && out.iter().all(|m| m.t1 == 4 && m.cue == Cue::VictimFired), "{out:?}");
        // A prefix entry ("asesinad*") and a whole word of a longer phrase both match.
        let words = ["asesinados", "a", "balazos"];
        let ids = lex.word_ids(words.iter().copied());
        out.clear();
        lex.matches_at(&ids, |k| words[k], 0, words.len(), &mut out);
        assert!(out.iter().any(|m| m.t1 == 1 && m.cue == Cue::Harm(Harm::Killing)), "{out:?}");
        out.clear();
        lex.matches_at(&ids, |k| words[k], 1, words.len(), &mut out);
        assert!(out.iter().any(|m| m.t1 == 3 && m.cue == Cue::Harm(Harm::Shooting)), "{out:?}");
        // A phrase never reaches past the sentence end it is given.
        out.clear();
        lex.matches_at(&ids, |k| words[k], 1, 2, &mut out);
        assert!(out.iter().all(|m| m.t1 <= 2), "{out:?}");
    }
}
